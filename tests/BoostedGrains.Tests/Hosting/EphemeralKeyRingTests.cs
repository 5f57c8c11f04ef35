using BoostedGrains.Testing;
using BoostedGrains.Tests.Gateway;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Tests.Hosting;

/// <summary>An external Boosted with an in-memory key ring is refused at start, unless asked for on purpose.</summary>
public sealed class EphemeralKeyRingTests
{
    [Fact]
    public async Task A_silo_with_an_external_Boosted_and_no_storage_refuses_to_start_and_says_what_to_set()
    {
        // Building the host already resolves the key ring's options, so the refusal comes before anything listens.
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            var app = await CreateAsync(allowEphemeral: null);
            await app.StartAsync();
        });

        Assert.Contains("Storage__AzureTableConnectionString", refused.Message);
        Assert.Contains("KeyRing__AllowEphemeral=true", refused.Message);
    }

    [Fact]
    public async Task KeyRing_AllowEphemeral_lets_the_same_silo_start_and_publish_a_key()
    {
        var url = TestSilo.FreeUrl();
        await using var app = await CreateAsync(allowEphemeral: true, url);

        await app.StartAsync();
        // Started for real: its in-memory key ring made a key and the silo publishes it.
        using var http = new HttpClient();
        await Eventually.TrueAsync(async () =>
        {
            using var jwks = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"{url}/.well-known/jwks.json"));
            return jwks.RootElement.GetProperty("keys").GetArrayLength() == 1;
        }, "the silo publishes its key");
        await app.StopAsync();
    }

    private static Task<WebApplication> CreateAsync(bool? allowEphemeral, string? url = null)
    {
        string[] args =
        [
            // Nothing listens there: starting must not need Boosted.
            "--Boosted:BaseUrl", $"http://127.0.0.1:{FreePort.Next()}/",
            "--Boosted:ClientId", "partner",
            "--Boosted:ClientSecret", "not-used-in-this-test",
            "--Gateway:ApiKeys:0", "ephemeral-test-key-0123456789abcdef",
            .. allowEphemeral is { } allow ? new[] { "--KeyRing:AllowEphemeral", allow.ToString() } : [],
        ];
        return TestSilo.CreateAsync(url ?? TestSilo.FreeUrl(), "ephemeral", args,
            builder => builder.Logging.AddProvider(LogCapture.Suite));
    }
}
