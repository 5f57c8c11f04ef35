using System.Diagnostics;
using BoostedGrains.Benchmarks.Infrastructure;

namespace BoostedGrains.Benchmarks.Scenarios;

/// <summary>
/// One row 4 contender under the same load: app servers asking for random users' tokens at a fixed total rate. After
/// a warm-up, time is cut into token lifetimes; a user is active in a lifetime if anyone asked for it then.
/// </summary>
public sealed class SteadyPhase(int users, TimeSpan lifetime, double requestsPerSecond)
{
    /// <param name="appServers">Per app server: get user N's token, returning whether the caller waited on Boosted.</param>
    /// <param name="served">When set, the product's own hit/waited counters replace what the callers return.</param>
    public async Task<SteadyResult> RunAsync(BenchCluster cluster, IReadOnlyList<Func<int, Task<bool>>> appServers,
        int warmupLifetimes, int lifetimes, Func<(long Hit, long Waited)>? served = null)
    {
        var warmup = lifetime * warmupLifetimes;
        var measure = lifetime * lifetimes;
        var active = new byte[users * lifetimes];
        long calls = 0, waited = 0, errors = 0;
        var errorKinds = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var clock = Stopwatch.StartNew();

        async Task OneAsync(Func<int, Task<bool>> appServer)
        {
            var user = Random.Shared.Next(users);
            var since = clock.Elapsed - warmup;
            var window = since >= TimeSpan.Zero ? (int)(since / lifetime) : -1;
            var counted = window >= 0 && window < lifetimes;
            if (counted)
                active[window * users + user] = 1;
            try
            {
                var didWait = await appServer(user);
                if (counted)
                {
                    Interlocked.Increment(ref calls);
                    if (didWait)
                        Interlocked.Increment(ref waited);
                }
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref errors);
                errorKinds.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
            }
        }

        var load = appServers
            .Select(appServer => OpenLoop.RunAsync(requestsPerSecond / appServers.Count, warmup + measure, () => OneAsync(appServer)))
            .ToArray();
        await Task.Delay(warmup);
        var exchangesBefore = cluster.UserExchanges();
        var servedBefore = served?.Invoke();
        await Task.Delay(measure);
        var exchanges = cluster.UserExchanges() - exchangesBefore;
        var servedAfter = served?.Invoke();
        await Task.WhenAll(load);

        if (servedBefore is { } b && servedAfter is { } a)
        {
            waited = a.Waited - b.Waited;
            calls = a.Hit + a.Waited - b.Hit - b.Waited;
        }
        var activeUserLifetimes = active.Count(x => x != 0);
        var errorSummary = string.Join(", ", errorKinds.OrderByDescending(k => k.Value).Select(k => $"{k.Value:N0} {k.Key}"));
        return new SteadyResult(exchanges, activeUserLifetimes, calls, waited, errors, errorSummary);
    }
}
