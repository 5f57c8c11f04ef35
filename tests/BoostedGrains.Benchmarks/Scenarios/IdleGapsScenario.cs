using System.Collections.Concurrent;
using BoostedGrains.Benchmarks.Infrastructure;
using BoostedGrains.Benchmarks.Reporting;
using BoostedGrains.Keys;
using BoostedGrains.Tokens;

namespace BoostedGrains.Benchmarks.Scenarios;

/// <summary>
/// Row 6: sessions with idle gaps. Each user is active in bursts with random gaps, many of them longer than the user
/// grain's collection age; token lifetime and collection age keep production's 4:1 ratio (60 min : 15 min), scaled
/// down. The same load runs with <c>Tokens__Persist</c> off and on, on two clusters side by side.
/// </summary>
public static class IdleGapsScenario
{
    private static readonly TimeSpan BurstCallInterval = TimeSpan.FromMilliseconds(500);

    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        var lifetime = TimeSpan.FromSeconds(settings.IdleGapLifetimeSeconds);
        var collectionAge = lifetime / 4;
        Console.WriteLine($"Row 6: sessions with idle gaps ({settings.IdleGapUsers:N0} users, token lifetime {lifetime.TotalSeconds} s, collection age {collectionAge.TotalSeconds} s)...");
        // Side by side: two clusters, each with its own emulator and counting only its own silos.
        var runs = await Task.WhenAll(
            RunOnceAsync(settings, lifetime, collectionAge, persist: false),
            RunOnceAsync(settings, lifetime, collectionAge, persist: true));
        var (off, on) = (runs[0], runs[1]);
        report.Row("6", $"sessions with idle gaps, {settings.IdleGapUsers:N0} users; persistence on vs off", "on: " + on.Describe(), "off: " + off.Describe(),
            Format.Ratio(on.ExchangesPerUserLifetime / off.ExchangesPerUserLifetime));
        report.Note($"Row 6: token lifetime {lifetime.TotalSeconds} s, user grain collection age {collectionAge.TotalSeconds} s (production ratio 60 : 15 min; "
            + "the benchmark shortens the collection quantum to 1 s to compress time). Each user: bursts of 3–6 calls 0.5 s apart, then a gap drawn "
            + $"uniformly from 0 to {settings.IdleGapMaxFactor:N1} × the lifetime; {settings.IdleGapLifetimes} lifetimes measured after 1 of warm-up. "
            + "The refresh-ahead minimum is 1 / 0.775 = 1.29 exchanges per lifetime for a user active throughout (fraction 0.7 + jitter 0–0.15). "
            + "'Expected waits' are calls that found no valid token by any rule: a user's first call, or the previous token had expired "
            + "(or was within the expiry margin, a tenth of these short lifetimes). What a rolling restart costs: row 7.");
    }

    private static async Task<Result> RunOnceAsync(BenchSettings settings, TimeSpan lifetime, TimeSpan collectionAge, bool persist)
    {
        await using var cluster = await BenchCluster.StartAsync(new ClusterSpec(3, 1, KeyAlgorithm.ES256, settings.BoostedLatencyMs,
            (int)lifetime.TotalSeconds, PersistTokens: persist, UserIdleDeactivation: collectionAge));
        using var served = new ServedTokenCounter(cluster.MeterScopes);
        var users = Enumerable.Range(0, settings.IdleGapUsers).Select(i => $"gaps-{persist}-{i}").ToArray();
        var lastExpiry = new ConcurrentDictionary<string, DateTimeOffset>();
        var margin = TimeSpan.FromTicks(Math.Min(cluster.BoostedOptions.ExpirySafetyMargin.Ticks, lifetime.Ticks / 10));
        var expectedWaits = 0L;
        var calls = 0L;
        var measuring = false;
        using var stop = new CancellationTokenSource();

        async Task SessionAsync(string user)
        {
            var random = new Random(user.GetHashCode());
            // Spread the first calls over one gap, so users do not move in step.
            await Delay(TimeSpan.FromSeconds(random.NextDouble() * lifetime.TotalSeconds), stop.Token);
            while (!stop.IsCancellationRequested)
            {
                var burst = random.Next(3, 7);
                for (var i = 0; i < burst && !stop.IsCancellationRequested; i++)
                {
                    var now = DateTimeOffset.UtcNow;
                    // The product stops handing out a token this close to its expiry: a wait then is expected too.
                    var expected = !lastExpiry.TryGetValue(user, out var expiry) || now >= expiry - margin;
                    var token = await cluster.Client.GetUserTokenGrain(user).GetAccessTokenAsync();
                    lastExpiry[user] = token.ExpiresAt;
                    if (Volatile.Read(ref measuring))
                    {
                        Interlocked.Increment(ref calls);
                        if (expected)
                            Interlocked.Increment(ref expectedWaits);
                    }
                    await Delay(BurstCallInterval, stop.Token);
                }
                await Delay(TimeSpan.FromSeconds(random.NextDouble() * settings.IdleGapMaxFactor * lifetime.TotalSeconds), stop.Token);
            }
        }

        var sessions = users.Select(u => Task.Run(() => SessionAsync(u))).ToList();
        await Task.Delay(lifetime);
        var exchangesBefore = cluster.UserExchanges();
        var servedBefore = served.Snapshot();
        Volatile.Write(ref measuring, true);
        await Task.Delay(lifetime * settings.IdleGapLifetimes);
        Volatile.Write(ref measuring, false);
        var exchanges = cluster.UserExchanges() - exchangesBefore;
        var servedAfter = served.Snapshot();
        stop.Cancel();
        await Task.WhenAll(sessions);

        var waited = servedAfter.Waited - servedBefore.Waited;
        var total = waited + servedAfter.Hit - servedBefore.Hit;
        return new Result((double)exchanges / users.Length / settings.IdleGapLifetimes, (double)waited / total,
            (double)Interlocked.Read(ref expectedWaits) / Math.Max(1, Interlocked.Read(ref calls)), total);
    }

    private static async Task Delay(TimeSpan delay, CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(delay, cancellation);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed record Result(double ExchangesPerUserLifetime, double WaitedShare, double ExpectedWaitShare, long Calls)
    {
        public string Describe() =>
            $"{ExchangesPerUserLifetime:N2} exchanges per user per lifetime; {WaitedShare:P1} of {Format.Count(Calls)} calls waited (expected waits: {ExpectedWaitShare:P1})";
    }
}
