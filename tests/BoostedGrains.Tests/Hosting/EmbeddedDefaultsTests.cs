using BoostedGrains.Testing;
using BoostedGrains.Boosted;
using BoostedGrains.Emulator;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Admin;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Silo.Hosting;
using BoostedGrains.Tests.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Tests.Hosting;

/// <summary>The embedded default's development credentials and keys are options the silo sets, not rewritten configuration.</summary>
public sealed class EmbeddedDefaultsTests
{
    [Fact]
    public async Task With_no_settings_the_options_point_at_the_embedded_emulator_and_hold_the_development_keys()
    {
        var url = TestSilo.FreeUrl();
        await using var silo = await Built(url, []);

        var emulator = silo.Services.GetRequiredService<BoostedEmulatorServer>();
        var boosted = Options<BoostedOptions>(silo);
        Assert.Equal(emulator.BaseUrl, boosted.BaseUrl);
        Assert.Equal(EmbeddedBoosted.ClientId, boosted.ClientId);
        Assert.Equal(GatewayOptions.DevelopmentApiKey, Assert.Single(Options<GatewayOptions>(silo).ApiKeys).Value);
        Assert.Equal(AdminOptions.DevelopmentApiKey, Assert.Single(Options<AdminOptions>(silo).ApiKeys).Value);
        Assert.Equal(new Uri(url + "/.well-known/jwks.json"), Options<JwksOptions>(silo).PublicUrl);
        // Nothing was written back into configuration.
        Assert.Null(silo.Configuration["Boosted:BaseUrl"]);
        Assert.Null(silo.Configuration["Gateway:ApiKeys:0"]);
    }

    [Fact]
    public async Task Configured_keys_replace_the_development_ones()
    {
        await using var silo = await Built(TestSilo.FreeUrl(),
            ["--Gateway:ApiKeys:app", "configured-gateway-key", "--Admin:ApiKeys:ops", "configured-admin-key"]);

        Assert.Equal(KeyValuePair.Create("app", "configured-gateway-key"), Assert.Single(Options<GatewayOptions>(silo).ApiKeys));
        Assert.Equal(KeyValuePair.Create("ops", "configured-admin-key"), Assert.Single(Options<AdminOptions>(silo).ApiKeys));
    }

    [Fact]
    public async Task The_JWKS_URL_is_Jwks_PublicUrl_else_the_published_blob_else_the_silos_own_endpoint()
    {
        // Development storage: the blob's URL is computed, nothing is written (the host is never started).
        string[] publish = ["--Jwks:Publish:BlobConnectionString", "UseDevelopmentStorage=true", "--Jwks:Publish:Container", "jwks"];
        await using (var blob = await Built(TestSilo.FreeUrl(), publish))
            Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1/jwks/jwks.json"), Options<JwksOptions>(blob).PublicUrl);
        await using (var configured = await Built(TestSilo.FreeUrl(), [.. publish, "--Jwks:PublicUrl", "https://keys.example/jwks.json"]))
            Assert.Equal(new Uri("https://keys.example/jwks.json"), Options<JwksOptions>(configured).PublicUrl);
    }

    [Fact]
    public async Task With_the_emulator_switched_off_and_no_Boosted_URL_the_start_fails_naming_the_setting()
    {
        // A gateway key and an ephemeral key ring allowed, so that the Boosted URL is the one thing missing.
        await using var silo = await Built(TestSilo.FreeUrl(),
            ["--Emulator:Enabled", "false", "--Gateway:ApiKeys:0", "gateway-key", "--KeyRing:AllowEphemeral", "true"]);

        Assert.Null(silo.Services.GetService<BoostedEmulatorServer>());
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => silo.StartAsync());
        Assert.Contains("Boosted__BaseUrl is not set", failure.Message);
    }

    private static T Options<T>(WebApplication app) where T : class => app.Services.GetRequiredService<IOptions<T>>().Value;

    // Built, never started: the emulator starts once the Boosted options are first built, and the container disposes it.
    private static Task<WebApplication> Built(string url, string[] arguments) =>
        TestSilo.CreateAsync(url, "embedded", arguments, configure: null);
}
