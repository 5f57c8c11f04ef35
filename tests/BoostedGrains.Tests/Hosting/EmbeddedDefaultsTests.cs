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

        var emulator = silo.App.Services.GetRequiredService<BoostedEmulatorServer>();
        var boosted = Options<BoostedOptions>(silo.App);
        Assert.Equal(emulator.BaseUrl, boosted.BaseUrl);
        Assert.Equal(EmbeddedBoosted.ClientId, boosted.ClientId);
        Assert.Equal(GatewayOptions.DevelopmentApiKey, Assert.Single(Options<GatewayOptions>(silo.App).ApiKeys).Value);
        Assert.Equal(AdminOptions.DevelopmentApiKey, Assert.Single(Options<AdminOptions>(silo.App).ApiKeys).Value);
        Assert.Equal(new Uri(url + "/.well-known/jwks.json"), Options<JwksOptions>(silo.App).PublicUrl);
        // Nothing was written back into configuration.
        Assert.Null(silo.App.Configuration["Boosted:BaseUrl"]);
        Assert.Null(silo.App.Configuration["Gateway:ApiKeys:0"]);
    }

    [Fact]
    public async Task Configured_keys_replace_the_development_ones()
    {
        await using var silo = await Built(TestSilo.FreeUrl(),
            ["--Gateway:ApiKeys:app", "configured-gateway-key", "--Admin:ApiKeys:ops", "configured-admin-key"]);

        Assert.Equal(KeyValuePair.Create("app", "configured-gateway-key"), Assert.Single(Options<GatewayOptions>(silo.App).ApiKeys));
        Assert.Equal(KeyValuePair.Create("ops", "configured-admin-key"), Assert.Single(Options<AdminOptions>(silo.App).ApiKeys));
    }

    private static T Options<T>(WebApplication app) where T : class => app.Services.GetRequiredService<IOptions<T>>().Value;

    private static async Task<BuiltSilo> Built(string url, string[] arguments) =>
        new(await TestSilo.CreateAsync(url, "embedded", arguments, configure: null));

    // Built, never started: the emulator is registered as an instance, which the container does not dispose.
    private sealed class BuiltSilo(WebApplication app) : IAsyncDisposable
    {
        public WebApplication App { get; } = app;

        public async ValueTask DisposeAsync()
        {
            var emulator = App.Services.GetRequiredService<BoostedEmulatorServer>();
            await App.DisposeAsync();
            await emulator.DisposeAsync();
        }
    }
}
