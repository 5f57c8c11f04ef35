using BoostedGrains.Testing;
using System.Security.Cryptography;
using BoostedGrains.Emulator;
using BoostedGrains.Hosting;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Jwks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;

namespace BoostedGrains.Tests.Infrastructure;

/// <summary>
/// The real thing, in one process: a two-silo Orleans cluster with the production services, the emulator playing
/// Boosted on a loopback port, and the cluster's JWKS served to it over HTTP. Each instance has its own emulator, so
/// the emulator's counts belong to the tests of one class.
/// </summary>
public class BoostedCluster : IAsyncLifetime
{
    private WebApplication _jwksHost = null!;

    public BoostedEmulatorServer Emulator { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>An external client of the cluster, as an app server would hold.</summary>
    public IClusterClient Client => Cluster.Client;

    public string ClientId { get; } = $"partner-{Guid.NewGuid():N}";

    public string ClientSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public Uri JwksUrl { get; private set; } = null!;

    /// <summary>The first silo's own grain factory: the way to the silo-only grains, as the admin API (which runs in a silo) goes.</summary>
    public IGrainFactory SiloGrains => Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();

    /// <summary>The external client and each silo's own grain factory: callers "through different silos".</summary>
    public IReadOnlyList<IGrainFactory> Entrances =>
        [Client, .. Cluster.Silos.Select(silo => silo.ServiceProvider.GetRequiredService<IGrainFactory>())];

    /// <summary>Emulator settings; override to shorten token lifetimes or the JWKS cache.</summary>
    protected virtual EmulatorOptions EmulatorOptions => new();

    /// <summary>How much the silos log into <see cref="LogCapture.Suite"/>.</summary>
    protected virtual LogLevel LogLevel => LogLevel.Debug;

    /// <summary>The wall clock of the emulator and the silos (one clock, as Boosted and the partner share real time).</summary>
    protected virtual TimeProvider Time => TimeProvider.System;

    /// <summary>Cluster settings on top of the defaults (Boosted endpoint and credentials are filled in).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>How many silos the cluster starts with.</summary>
    protected virtual int SiloCount => 2;

    /// <summary>Services each silo gets on top of the product's (a test's decorator of a product service, for example).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        LogCapture.Suite.AddSecret(ClientSecret);
        _jwksHost = await StartJwksHostAsync();
        JwksUrl = new Uri(_jwksHost.Urls.First() + "/.well-known/jwks.json");

        var emulatorOptions = EmulatorOptions;
        // The partner may get every scope the emulator grants users (its extra user scopes, where a test sets some).
        var allowedScopes = $"{new EmulatorPartner().AllowedScopes} {emulatorOptions.ExtraUserScopes}".Trim();
        emulatorOptions.Partners = [new EmulatorPartner { ClientId = ClientId, ClientSecret = ClientSecret, JwksUri = JwksUrl, AllowedScopes = allowedScopes }];
        Emulator = await BoostedEmulatorServer.StartAsync(emulatorOptions, time: Time, loggerProvider: LogCapture.Suite);

        var settings = new Dictionary<string, string?>
        {
            ["Boosted:BaseUrl"] = Emulator.BaseUrl.ToString(),
            ["Boosted:ClientId"] = ClientId,
            ["Boosted:ClientSecret"] = ClientSecret,
            ["Boosted:RetryBaseDelay"] = "00:00:00.050",
            ["Jwks:PublicUrl"] = JwksUrl.ToString(),
            // Shortened with the key durations the tests shorten: a new key waits for a look at the public URL.
            ["Jwks:VerifyInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in Settings)
            settings[key] = value;

        var builder = new InProcessTestClusterBuilder((short)SiloCount);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Services.AddSingleton(Time);
            ConfigureServices(host.Services);
            // Without the test host's file logger: it writes every line under one lock and flushes to disk under it once a
            // second, so at this level a slow disk holds every logging thread, and with them every silo of the process
            // (a storm's timeline showed pauses of up to a second with no 429). The capture keeps every line in memory.
            host.Logging.ClearProviders().SetMinimumLevel(LogLevel).AddProvider(LogCapture.Suite);
        });
        // The emulator lives in this process and forgets keys with it, as the embedded one does: memory state is safe.
        builder.ConfigureSilo((_, silo) => silo
            .AddBoostedGrains(options => options.BoostedInProcess = true)
            .AddMemoryGrainStorage(GrainStorage.Name));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await Eventually.TrueAsync(() => Cluster.Silos.All(silo => KeyCache(silo.ServiceProvider).IsLoaded),
            "every silo loaded the key ring");
    }

    /// <summary>This silo's signing-key cache.</summary>
    public static SigningKeyCache KeyCache(IServiceProvider silo) => silo.GetRequiredService<SigningKeyCache>();

    /// <summary>Re-reads the key ring on every silo now, as an operator's rotate or revoke does on its own silo.</summary>
    public Task RefreshKeysAsync() =>
        Task.WhenAll(Cluster.Silos.Select(silo => KeyCache(silo.ServiceProvider).RefreshAsync()));

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Emulator.DisposeAsync();
        await _jwksHost.DisposeAsync();
    }

    // The silos of a TestCluster are not web hosts: a small Kestrel app serves the first live silo's JWKS through
    // the production endpoint, which is what the emulator fetches.
    private async Task<WebApplication> StartJwksHostAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(_ => KeyCache(LiveSilo()));
        builder.Services.AddSingleton(_ => LiveSilo().GetRequiredService<IOptions<KeyRingOptions>>());
        var app = builder.Build();
        app.MapBoostedJwks();
        await app.StartAsync();
        return app;
    }

    private IServiceProvider LiveSilo() => Cluster.Silos.First(silo => silo.IsActive).ServiceProvider;
}
