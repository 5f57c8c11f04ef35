using BoostedGrains.Testing;
using System.Net.Http.Headers;
using BoostedGrains.Emulator;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Integration.Tests.Infrastructure;

/// <summary>
/// The real Silo (<see cref="SiloApp"/>) on free loopback ports with its own cluster ID, talking to the embedded emulator
/// or to a given one. Started with its key ring loaded, so tests need not wait for the background refresh.
/// </summary>
public sealed class SiloHarness : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789abcdef0123";

    private SiloHarness(WebApplication app, Uri url, int gatewayPort, string clusterId, BoostedEmulatorServer emulator)
    {
        App = app;
        Url = url;
        GatewayPort = gatewayPort;
        ClusterId = clusterId;
        Emulator = emulator;
        Http = new HttpClient { BaseAddress = url };
    }

    public WebApplication App { get; }

    public Uri Url { get; }

    public int GatewayPort { get; }

    public string ClusterId { get; }

    public BoostedEmulatorServer Emulator { get; }

    public HttpClient Http { get; }

    public IGrainFactory Grains => App.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The settings an Orleans client needs to reach this silo, as command-line arguments.</summary>
    public string[] ClientArgs => [$"--Cluster:GatewayPort={GatewayPort}", $"--Cluster:ClusterId={ClusterId}"];

    /// <summary>Starts a silo. <paramref name="emulator"/> null: the embedded one. <paramref name="settings"/> are added as <c>--key=value</c>.</summary>
    public static async Task<SiloHarness> StartAsync(IReadOnlyDictionary<string, string>? settings = null, BoostedEmulatorServer? emulator = null,
        int? httpPort = null, Action<WebApplicationBuilder>? configure = null)
    {
        var port = httpPort ?? FreePort.Next();
        // Chosen here rather than by TestSilo, because Orleans clients of the tests need them.
        var gatewayPort = FreePort.Next();
        var clusterId = $"test-{Guid.NewGuid():N}";
        var all = new Dictionary<string, string>
        {
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:GatewayPort"] = gatewayPort.ToString(),
            ["Admin:ApiKeys:0"] = AdminKey,
            ["Dashboard:Enabled"] = "false",
            ["Telemetry:Console"] = "false",
            ["Boosted:RetryBaseDelay"] = "00:00:00.010",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            all[key] = value;
        var app = await TestSilo.CreateAsync($"http://127.0.0.1:{port}", "test", all.Select(kv => $"--{kv.Key}={kv.Value}"), configure);
        await app.StartAsync();
        await app.Services.GetRequiredService<SigningKeyCache>().RefreshAsync();
        return new SiloHarness(app, new Uri($"http://127.0.0.1:{port}/"), gatewayPort, clusterId,
            emulator ?? app.Services.GetRequiredService<BoostedEmulatorServer>());
    }

    /// <summary>A request with <c>Authorization: Bearer <paramref name="key"/></c>, when given.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? key)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        // The container disposes the embedded emulator with the rest.
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
