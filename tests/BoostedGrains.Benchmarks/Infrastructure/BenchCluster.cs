using BoostedGrains.Testing;
using System.Security.Cryptography;
using BoostedGrains.Benchmarks.Baselines;
using BoostedGrains.Boosted;
using BoostedGrains.Emulator;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Hosting;
using BoostedGrains.Tokens;
using Orleans.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>
/// The emulator as Boosted, real silo hosts built by <see cref="SiloApp.CreateAsync"/> (each with an extra no-op
/// endpoint, mapped only here), and external Orleans clients; all in this process, on loopback.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    public const string ClientId = "bench-partner";
    public const string NoopPath = "/bench/noop";

    /// <summary><c>POST {NoopGrainPath}/{user}</c>: the no-op endpoint plus one call to the user's no-op grain.</summary>
    public const string NoopGrainPath = "/bench/noop-grain";

    private readonly List<WebApplication> _silos = [];
    private readonly List<IHost> _clientHosts = [];
    private readonly string _clientSecret;

    private BenchCluster(BoostedEmulatorServer emulator, string clientSecret)
    {
        Emulator = emulator;
        _clientSecret = clientSecret;
    }

    public BoostedEmulatorServer Emulator { get; }
    public string ApiKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    public List<Uri> SiloUrls { get; } = [];
    public List<IClusterClient> Clients { get; } = [];
    public IClusterClient Client => Clients[0];

    /// <summary>A direct exchange with Boosted using silo 0's signer and the cluster's credentials (row 4 baselines).</summary>
    public DirectExchange NewDirectExchange(HttpClient http) =>
        new(http, Emulator.TokenEndpoint, ClientId, _clientSecret, _silos[0].Services.GetRequiredService<IAssertionSigner>());

    /// <summary>Boosted exchanges for users so far (management tokens, whose subject is the client ID, left out).</summary>
    public long UserExchanges() => Emulator.GetStats().Exchanges.Where(e => e.Key != ClientId).Sum(e => e.Value);

    /// <summary>The Boosted settings the silos run with (all silos share one configuration).</summary>
    public BoostedOptions BoostedOptions => _silos[0].Services.GetRequiredService<IOptions<BoostedOptions>>().Value;

    public int SiloCount => _silos.Count;

    /// <summary>The silos' meter factories: the scope of every meter they create, so a listener can count this cluster only.</summary>
    public IReadOnlyList<object> MeterScopes => [.. _silos.Select(s => (object)s.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>())];

    public void SetBoostedLatency(int ms) => Emulator.SetFaults(new EmulatorFaults { LatencyMs = ms });

    public static async Task<BenchCluster> StartAsync(ClusterSpec spec)
    {
        // In-memory state lets a joining silo start from an empty key ring now and then (docs/design.md, hosting modes):
        // its assertions would fail with invalid_grant. Such a start is thrown away and made again.
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var cluster = await StartOnceAsync(spec);
            if (cluster.SignsWithOneRing())
                return cluster;
            await cluster.DisposeAsync();
            if (attempt == attempts)
                throw new InvalidOperationException($"The silos started with different key rings {attempts} times in a row.");
            Console.WriteLine("  (the silos started with different key rings; starting the cluster again)");
        }
    }

    private bool SignsWithOneRing() => _silos
        .Select(s => string.Join(' ', s.Services.GetRequiredService<SigningKeyCache>().Jwks?.KeyIds ?? []))
        .Distinct().Count() == 1;

    private static async Task<BenchCluster> StartOnceAsync(ClusterSpec spec)
    {
        var ports = Enumerable.Range(0, spec.Silos * 3).Select(_ => FreePort.Next()).ToArray();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var jwks = new Uri($"http://127.0.0.1:{ports[0]}/.well-known/jwks.json");
        var emulator = await BoostedEmulatorServer.StartAsync(new EmulatorOptions
        {
            Partners = [new EmulatorPartner { ClientId = ClientId, ClientSecret = secret, JwksUri = jwks }],
            TokenLifetimeSeconds = spec.TokenLifetimeSeconds,
            Faults = new EmulatorFaults { LatencyMs = spec.BoostedLatencyMs },
        });
        var cluster = new BenchCluster(emulator, secret);
        var clusterId = $"bench-{Guid.NewGuid():N}";
        // One KEK for all silos: each silo must decrypt the keys another one generated.
        var kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        for (var i = 0; i < spec.Silos; i++)
        {
            var url = new Uri($"http://127.0.0.1:{ports[i * 3]}");
            string[] args =
            [
                $"--urls={url}",
                $"--Cluster:ClusterId={clusterId}",
                $"--Cluster:SiloPort={ports[i * 3 + 1]}",
                $"--Cluster:GatewayPort={ports[i * 3 + 2]}",
                $"--Cluster:PrimarySiloPort={ports[1]}",
                "--Emulator:Enabled=false",
                $"--Boosted:BaseUrl={emulator.BaseUrl}",
                $"--Boosted:ClientId={ClientId}",
                $"--Boosted:ClientSecret={secret}",
                // The benchmark's emulator lives only as long as these silos: an in-memory ring cannot outlive its cached JWKS.
                "--KeyRing:AllowEphemeral=true",
                $"--Gateway:ApiKeys:0={cluster.ApiKey}",
                $"--KeyRing:Algorithm={spec.Algorithm}",
                "--KeyRing:Kek:Id=bench",
                $"--KeyRing:Kek:Key={kek}",
                "--Logging:LogLevel:Default=Warning",
                // Expected while a silo starts, and during storms one line per failed call: console I/O would be measured.
                "--Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks=None",
                "--Logging:LogLevel:Orleans.Runtime.Watchdog=Error",
                "--Logging:LogLevel:Polly=Error",
                "--Logging:LogLevel:BoostedGrains=Error",
                .. spec.MaxQueuedRequests is { } queue ? [$"--Boosted:MaxQueuedRequests={queue}"] : Array.Empty<string>(),
                $"--Tokens:Persist={spec.PersistTokens}",
            ];
            var silo = await SiloApp.CreateAsync(args, builder =>
            {
                builder.Logging.ClearProviders().AddSimpleConsole();
                if (spec.UserIdleDeactivation is { } idle)
                {
                    builder.Services.PostConfigure<GrainCollectionOptions>(options =>
                    {
                        options.CollectionQuantum = TimeSpan.FromSeconds(1);
                        options.ClassSpecificCollectionAge[typeof(UserTokenGrain).FullName!] = idle;
                    });
                }
            });
            silo.MapPost(NoopPath, () => Results.Ok());
            var noops = new NoopGrains(silo.Services.GetRequiredService<IGrainFactory>());
            silo.MapPost(NoopGrainPath + "/{user}", async (HttpContext http) =>
            {
                await noops.For((string)http.Request.RouteValues["user"]!).PingAsync();
                return Results.Ok();
            });
            await silo.StartAsync();
            cluster._silos.Add(silo);
            cluster.SiloUrls.Add(url);
        }
        await cluster.WaitHealthyAsync();

        var gateways = Enumerable.Range(0, spec.Silos).Select(i => ports[i * 3 + 2]).ToArray();
        for (var i = 0; i < spec.Clients; i++)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
            // The app servers' own entry point, pointed at this run's cluster.
            builder.AddBoostedTokens(options =>
            {
                options.Cluster.ClusterId = clusterId;
                options.GatewayPorts = [.. gateways];
            });
            // The scenarios deactivate user grains through Orleans' management grain, which refuses app servers: holding
            // the run's KEK, these clients prove such calls as a silo does.
            builder.Services.Configure<KeyRingOptions>(options => options.Kek = new KekOptions { Id = "bench", Key = kek });
            builder.Services.AddSiloCallProof(refuseUnproven: false);
            var host = builder.Build();
            await host.StartAsync();
            cluster._clientHosts.Add(host);
            cluster.Clients.Add(host.Services.GetRequiredService<IClusterClient>());
        }
        return cluster;
    }

    // Ready = joined the cluster and holding a signing key (the silo's own health check).
    private async Task WaitHealthyAsync()
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var url in SiloUrls)
        {
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(url, "/healthz"));
                    if (response.IsSuccessStatusCode)
                        break;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                }
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"Silo {url} did not become healthy in 60 s.");
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _clientHosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
        foreach (var silo in Enumerable.Reverse(_silos))
        {
            await silo.StopAsync();
            await silo.DisposeAsync();
        }
        await Emulator.DisposeAsync();
    }
}
