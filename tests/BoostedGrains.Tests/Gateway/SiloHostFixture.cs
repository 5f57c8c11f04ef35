using BoostedGrains.Testing;
using BoostedGrains.Emulator;
using BoostedGrains.Silo.Hosting;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Gateway;

/// <summary>The real Silo host with no Boosted settings: its embedded emulator plays Boosted, as on a developer's laptop.</summary>
public sealed class SiloHostFixture : IAsyncLifetime
{
    private WebApplication _app = null!;

    public Uri BaseUrl { get; private set; } = null!;

    public BoostedEmulatorServer Emulator => _app.Services.GetRequiredService<BoostedEmulatorServer>();

    /// <summary>The silo host's services (its grain factory, key cache, ...).</summary>
    public IServiceProvider Services => _app.Services;

    public async Task InitializeAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        _app = await CreateSiloAsync(url, LogLevel.Debug);
        await _app.StartAsync();
        BaseUrl = new Uri(url);
        using var http = new HttpClient { BaseAddress = BaseUrl };
        await Eventually.TrueAsync(async () => (await http.GetAsync("/healthz")).IsSuccessStatusCode, "the silo is ready");
    }

    /// <summary>The real Silo host on <paramref name="url"/> and free loopback ports, with only its own cluster ID set; not started.</summary>
    public static async Task<WebApplication> CreateSiloAsync(string url, LogLevel logLevel)
    {
        var siloPort = FreePort.Next();
        return await SiloApp.CreateAsync(
        [
            "--urls", url,
            "--Cluster:ClusterId", $"gateway-{Guid.NewGuid():N}",
            "--Cluster:SiloPort", siloPort.ToString(),
            "--Cluster:PrimarySiloPort", siloPort.ToString(),
            "--Cluster:GatewayPort", FreePort.Next().ToString(),
        ], builder => builder.Logging.SetMinimumLevel(logLevel).AddProvider(LogCapture.Suite));
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
