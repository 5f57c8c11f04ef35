using BoostedGrains.Keys;
using BoostedGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Tests.Hosting;

/// <summary>
/// A silo listening on every address (the container image's <c>urls=http://0.0.0.0:8080</c>) defaults its JWKS URL to
/// loopback: the embedded emulator fetches it there, so `docker run` with no settings serves tokens.
/// </summary>
public sealed class JwksDefaultUrlTests
{
    [Theory]
    [InlineData("http://0.0.0.0:{0}", "http://127.0.0.1:{0}/.well-known/jwks.json")]
    [InlineData("http://[::]:{0}", "http://[::1]:{0}/.well-known/jwks.json")]
    public async Task A_silo_listening_on_every_address_gives_its_loopback_JWKS_URL(string listen, string expected)
    {
        var port = FreePort.Next();
        // Built, never started: the URL is an option computed before the host runs.
        await using var silo = await TestSilo.CreateAsync(string.Format(listen, port), "any-address", [], configure: null);

        Assert.Equal(new Uri(string.Format(expected, port)), silo.Services.GetRequiredService<IOptions<JwksOptions>>().Value.PublicUrl);
    }
}
