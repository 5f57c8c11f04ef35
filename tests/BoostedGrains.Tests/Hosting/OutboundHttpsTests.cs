using BoostedGrains.Boosted;
using BoostedGrains.Keys;
using BoostedGrains.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Tests.Hosting;

/// <summary>
/// The real Silo host with an external Boosted: its URLs and the public JWKS URL must be https, except on loopback or
/// with Boosted__AllowHttp; a plain-http URL fails the start naming the setting.
/// </summary>
public sealed class OutboundHttpsTests
{
    [Theory]
    [InlineData("http://boosted.example/", null, null, "Boosted__BaseUrl is http://boosted.example: use https")]
    [InlineData("https://boosted.example/", "http://boosted.example/oauth2/token", null, "Boosted__TokenEndpoint is http://boosted.example: use https")]
    [InlineData("https://boosted.example/", null, "http://keys.example/jwks.json", "Jwks__PublicUrl is http://keys.example: use https")]
    public async Task A_plain_http_URL_to_another_host_fails_the_start_naming_the_setting(string baseUrl, string? tokenEndpoint, string? publicUrl, string expected)
    {
        // The host reads these options while it is built, so the failure may come before StartAsync: either way it does not start.
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var silo = await Built(baseUrl, tokenEndpoint, publicUrl, allowHttp: false);
            await silo.StartAsync();
        });

        Assert.Contains(expected, failure.Message);
        Assert.Contains("Boosted__AllowHttp=true", failure.Message);
    }

    [Theory]
    [InlineData("https://boosted.example/", "https://keys.example/jwks.json", false)]
    [InlineData("http://127.0.0.1:5080/", "http://localhost:8080/jwks.json", false)]
    [InlineData("http://emulator:5080/", "http://silo1:8080/jwks.json", true)]
    public async Task Https_loopback_or_an_explicit_private_network_is_accepted(string baseUrl, string publicUrl, bool allowHttp)
    {
        await using var silo = await Built(baseUrl, null, publicUrl, allowHttp);

        // Building the options runs their validators, as the start does.
        Assert.Equal(new Uri(baseUrl), silo.Services.GetRequiredService<IOptions<BoostedOptions>>().Value.BaseUrl);
        Assert.Equal(new Uri(publicUrl), silo.Services.GetRequiredService<IOptions<JwksOptions>>().Value.PublicUrl);
    }

    // Built, not started. The emulator off and Boosted configured; the other settings the start needs are valid, so that
    // the URL is the one thing wrong.
    private static Task<WebApplication> Built(string baseUrl, string? tokenEndpoint, string? publicUrl, bool allowHttp) =>
        TestSilo.CreateAsync(TestSilo.FreeUrl(), "outbound-https",
        [
            "--Emulator:Enabled", "false",
            "--Boosted:BaseUrl", baseUrl,
            "--Boosted:ClientId", "partner-client",
            "--Boosted:ClientSecret", "a-client-secret-of-some-length-0123456789",
            "--Gateway:ApiKeys:0", "gateway-key-of-some-length-0123456789abcdef",
            "--KeyRing:AllowEphemeral", "true",
            .. tokenEndpoint is null ? Array.Empty<string>() : ["--Boosted:TokenEndpoint", tokenEndpoint],
            .. publicUrl is null ? Array.Empty<string>() : ["--Jwks:PublicUrl", publicUrl],
            .. allowHttp ? ["--Boosted:AllowHttp", "true"] : Array.Empty<string>(),
        ]);
}
