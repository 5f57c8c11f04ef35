using BoostedGrains.Emulator.Faults;
using BoostedGrains.Emulator.Hosting;
using BoostedGrains.Emulator.Stats;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace BoostedGrains.Emulator;

/// <summary>The emulator on its own Kestrel server, for tests and embedded hosts; dispose to stop it.</summary>
public sealed class BoostedEmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BoostedEmulatorServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        TokenEndpoint = new Uri(baseUrl, "oauth2/token");
    }

    /// <summary>The root URL the emulator answers on, ending with a slash.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The token endpoint, <c>{BaseUrl}oauth2/token</c>; also the default audience.</summary>
    public Uri TokenEndpoint { get; }

    /// <summary>Starts a real Kestrel server; the URL <c>http://127.0.0.1:0</c> picks a free port.</summary>
    public static async Task<BoostedEmulatorServer> StartAsync(
        EmulatorOptions options,
        string url = "http://127.0.0.1:0",
        ILoggerProvider? loggerProvider = null,
        TimeProvider? time = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The empty builder reads no appsettings or environment, so the host process's settings cannot leak in.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().UseUrls(url);
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        if (loggerProvider is not null)
        {
            builder.Logging.AddProvider(new NonDisposingLoggerProvider(loggerProvider));
        }

        builder.Services.AddSingleton(new EmulatorClock(time ?? TimeProvider.System));
        var copy = Copy(options);
        builder.Services.AddBoostedEmulator(o =>
        {
            o.Partners = copy.Partners;
            o.TokenLifetimeSeconds = copy.TokenLifetimeSeconds;
            o.JwksCacheSeconds = copy.JwksCacheSeconds;
            o.SubjectClaim = copy.SubjectClaim;
            o.ExtraUserScopes = copy.ExtraUserScopes;
            o.Faults = copy.Faults;
        });

        var app = builder.Build();
        app.MapBoostedEmulator();
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BoostedEmulatorServer(app, new Uri(ListenAddress.Normalize(address)));
    }

    /// <summary>A snapshot of the counters, the same data as <c>GET /_emulator/stats</c>.</summary>
    public EmulatorStats GetStats() => _app.Services.GetRequiredService<StatsCounters>().Snapshot();

    /// <summary>Replaces the injected faults at once.</summary>
    public void SetFaults(EmulatorFaults faults) => _app.Services.GetRequiredService<FaultState>().Set(faults);

    /// <summary>Stops the server and releases its port.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static EmulatorOptions Copy(EmulatorOptions o) => new()
    {
        Partners = o.Partners.Select(p => new EmulatorPartner
        {
            ClientId = p.ClientId,
            ClientSecret = p.ClientSecret,
            JwksUri = p.JwksUri,
            Audience = p.Audience,
            AllowedScopes = p.AllowedScopes,
        }).ToList(),
        TokenLifetimeSeconds = o.TokenLifetimeSeconds,
        JwksCacheSeconds = o.JwksCacheSeconds,
        SubjectClaim = o.SubjectClaim,
        ExtraUserScopes = o.ExtraUserScopes,
        Faults = new EmulatorFaults
        {
            LatencyMs = o.Faults.LatencyMs,
            ErrorRate = o.Faults.ErrorRate,
            RateLimitPerSecond = o.Faults.RateLimitPerSecond,
            RateLimitShape = o.Faults.RateLimitShape,
            RateLimitBurst = o.Faults.RateLimitBurst,
            MaxConcurrentTokenRequests = o.Faults.MaxConcurrentTokenRequests,
            SendRetryAfter = o.Faults.SendRetryAfter,
            Outage = o.Faults.Outage,
        },
    };
}
