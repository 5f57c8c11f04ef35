using BoostedGrains.Benchmarks.Baselines;
using BoostedGrains.Benchmarks.Infrastructure;
using BoostedGrains.Benchmarks.Reporting;
using BoostedGrains.Keys;
using BoostedGrains.Tokens;

namespace BoostedGrains.Benchmarks.Scenarios;

/// <summary>
/// Row 4: many token lifetimes (short ones, to compress time) on 3 silos with 3 app servers asking for random users'
/// tokens. The same load runs against BoostedGrains, a per-app-server cache with single-flight, and an exchange per
/// request.
/// </summary>
public static class SteadyStateScenario
{
    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        Console.WriteLine("Row 4: steady state (3 silos, 3 app servers)...");
        var lifetime = TimeSpan.FromSeconds(settings.SteadyLifetimeSeconds);
        // ES256 keeps the exchange-per-request baseline from saturating 2 cores with RSA signing at this request rate.
        await using var cluster = await BenchCluster.StartAsync(
            new ClusterSpec(3, 3, KeyAlgorithm.ES256, settings.BoostedLatencyMs, settings.SteadyLifetimeSeconds));
        using var served = new ServedTokenCounter();
        var users = Enumerable.Range(0, settings.SteadyUsers).Select(i => $"steady-{i}").ToArray();

        // Provision every user first (without Boosted latency, to save time) and learn their Boosted IDs, which the
        // baselines put in their assertions; then deactivate the grains. Their stored short-lived tokens expire during the
        // warm-up lifetime, so all contenders start the measured lifetimes alike.
        cluster.SetBoostedLatency(0);
        var failed = await UserGrains.FetchAllAsync(cluster.Client, users);
        if (failed > 0)
            throw new InvalidOperationException($"{failed} of {users.Length} users could not be provisioned for row 4.");
        var subjects = await UserGrains.BoostedIdsAsync(cluster.Client, users);
        await UserGrains.DeactivateAllAsync(cluster.Client);
        cluster.SetBoostedLatency(settings.BoostedLatencyMs);

        var phase = new SteadyPhase(users.Length, lifetime, settings.SteadyRequestsPerSecond);

        var grains = await phase.RunAsync(cluster,
            cluster.Clients.Select(client => (Func<int, Task<bool>>)(async u =>
            {
                await client.GetUserTokenGrain(users[u]).GetAccessTokenAsync();
                return false;
            })).ToList(),
            warmupLifetimes: 1, settings.SteadyLifetimes, served.Snapshot);

        var handlers = Enumerable.Range(0, 3).Select(_ => new HttpClient(new SocketsHttpHandler())).ToList();
        try
        {
            var caches = handlers.Select(http => new PerProcessTokenCache(cluster.NewDirectExchange(http).ExchangeAsync)).ToList();
            var cached = await phase.RunAsync(cluster,
                caches.Select(cache => (Func<int, Task<bool>>)(async u => (await cache.GetAsync(subjects[u])).Waited)).ToList(),
                warmupLifetimes: 1, settings.SteadyLifetimes);

            // One exchange per call is the same in any lifetime: fewer lifetimes are enough.
            var exchanges = handlers.Select(cluster.NewDirectExchange).ToList();
            var naive = await phase.RunAsync(cluster,
                exchanges.Select(exchange => (Func<int, Task<bool>>)(async u =>
                {
                    await exchange.ExchangeAsync(subjects[u]);
                    return true;
                })).ToList(),
                warmupLifetimes: 0, Math.Min(2, settings.SteadyLifetimes));

            var refused = cluster.Emulator.GetStats().Failures;
            if (refused.Count > 0)
                report.Note("Row 4: Boosted refused " + string.Join(", ", refused.Select(f => $"{f.Value:N0} {f.Key}")) + ".");
            var what = "steady state, 3 silos, 3 app servers, random users";
            report.Row("4", $"{what}; vs per-app-server cache + single-flight", grains.Describe(), "per-app-server cache: " + cached.Describe(),
                Format.Ratio(grains.ExchangesPerActiveUserLifetime / cached.ExchangesPerActiveUserLifetime));
            report.Row("4", $"{what}; vs exchange per request", grains.Describe(), "exchange per request: " + naive.Describe(),
                Format.Ratio(grains.ExchangesPerActiveUserLifetime / naive.ExchangesPerActiveUserLifetime));
            var perUser = settings.SteadyRequestsPerSecond * settings.SteadyLifetimeSeconds / settings.SteadyUsers;
            report.Note($"Row 4: {settings.SteadyUsers:N0} users, {Format.Count(settings.SteadyRequestsPerSecond)} requests/s in all "
                + $"(about {perUser:N1} per user per lifetime, a third from each app server), token lifetime {settings.SteadyLifetimeSeconds} s, "
                + $"{settings.SteadyLifetimes} lifetimes measured after 1 of warm-up, ES256. Ratios compare exchanges per active user per lifetime. "
                + "BoostedGrains' waited share comes from its own `boostedgrains.tokens.served` counter.");
        }
        finally
        {
            handlers.ForEach(h => h.Dispose());
        }
    }
}
