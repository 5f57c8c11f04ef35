using System.Diagnostics;
using BoostedGrains.Benchmarks.Infrastructure;
using BoostedGrains.Boosted;
using BoostedGrains.Benchmarks.Reporting;
using BoostedGrains.Keys;
using BoostedGrains.Tokens;

namespace BoostedGrains.Benchmarks.Scenarios;

/// <summary>
/// Row 3: cold storms with RS256 and with ES256 on one silo: many callers for one cold user, then many cold users at
/// once, against the machine's signing rate measured in the same run and against the same exchanges without the
/// cluster. Row 5 (memory) runs on a cluster of its own with the product's defaults.
/// </summary>
public static class ColdStormScenario
{
    public static async Task RunAsync(BenchSettings settings, Report report, bool storms, bool memory)
    {
        // The default queue (Boosted__MaxQueuedRequests) is far below one silo's share of such a storm: the storm
        // runs with a queue that holds it all, and once more with the defaults to show what they do.
        var queue = settings.StormUsers + settings.StormCallers;
        List<(KeyAlgorithm Algorithm, int? Queue)> runs = [(KeyAlgorithm.RS256, queue), (KeyAlgorithm.ES256, queue)];
        if (settings.StormWithDefaults)
            runs.Add((KeyAlgorithm.ES256, null));
        else
            report.Note("Row 3: the storm with the product's default queue runs in `--full` only.");
        foreach (var (algorithm, queueSetting) in storms ? runs : [])
        {
            Console.WriteLine($"Row 3: cold storms, {algorithm} (1 silo, 1 external client)...");
            // The ceiling is measured before this row's cluster starts (the previous one is disposed): a silo, its
            // timers and a pending GC in the same process would take cores from the signing and lower the ceiling.
            var signRate = SignRate.Measure(algorithm, TimeSpan.FromSeconds(1));
            // Tokens__Persist=false: a deactivated grain then forgets its token, so the known users of the storm hold
            // none, as after an idle night in which every token expired (with persistence a restart keeps them).
            await using var cluster = await BenchCluster.StartAsync(
                new ClusterSpec(1, 1, algorithm, settings.BoostedLatencyMs, MaxQueuedRequests: queueSetting, PersistTokens: false));
            var label = queueSetting is { } q ? $"{algorithm}, queue {q:N0}" : $"{algorithm}, product defaults";
            if (queueSetting is not null)
                await OneUserAsync(settings, report, cluster, algorithm);
            await ManyUsersAsync(settings, report, cluster, algorithm, label, signRate);
        }
        if (memory)
        {
            await using var cluster = await BenchCluster.StartAsync(new ClusterSpec(1, 1, KeyAlgorithm.ES256, settings.BoostedLatencyMs));
            await MemoryScenario.RunAsync(settings, report, cluster);
        }
    }

    private static async Task OneUserAsync(BenchSettings settings, Report report, BenchCluster cluster, KeyAlgorithm algorithm)
    {
        var grain = cluster.Client.GetUserTokenGrain($"storm-one-{Guid.NewGuid():N}");
        var before = cluster.UserExchanges();
        var (elapsed, failures, tokens) = await StormAsync(Enumerable.Repeat(grain, settings.StormCallers).ToList());
        var exchanges = cluster.UserExchanges() - before;
        report.Row("3", $"cold storm, 1 new user × {settings.StormCallers:N0} concurrent callers, {algorithm}",
            $"{exchanges} exchange(s), {tokens} distinct token(s), all served in {Format.Seconds(elapsed)}{Failed(failures)}",
            "goal: 1 exchange", Format.Ratio(exchanges));
    }

    private static async Task ManyUsersAsync(BenchSettings settings, Report report, BenchCluster cluster, KeyAlgorithm algorithm, string label, double signRate)
    {
        // Known users without a token: provisioned first, then their grains deactivated (their tokens are not kept), so
        // the storm is exchanges only.
        var users = Enumerable.Range(0, settings.StormUsers).Select(i => $"storm-{algorithm}-{i}").ToArray();
        cluster.SetBoostedLatency(0);
        await UserGrains.FetchAllAsync(cluster.Client, users);
        await UserGrains.DeactivateAllAsync(cluster.Client);
        cluster.SetBoostedLatency(settings.BoostedLatencyMs);

        var before = cluster.UserExchanges();
        var refusedBefore = cluster.Emulator.GetStats().Failures;
        var (elapsed, failures, _) = await StormAsync(users.Select(u => cluster.Client.GetUserTokenGrain(u)).ToList());
        var exchanges = cluster.UserExchanges() - before;
        var stats = cluster.Emulator.GetStats();
        var refused = stats.Failures.Select(f => (f.Key, Count: f.Value - refusedBefore.GetValueOrDefault(f.Key))).Where(f => f.Count > 0).ToList();
        var bound = cluster.BoostedOptions.MaxConcurrentExchanges * cluster.SiloCount;
        var rate = exchanges / elapsed.TotalSeconds;
        // What the silo can reach at best: the signing rate of all cores, or the exchanges in flight at once over Boosted's
        // latency, whichever is lower (RS256 on few cores is held by signing, ES256 by the bound).
        var inFlightLimit = bound * 1000.0 / settings.BoostedLatencyMs;
        var limit = Math.Min(signRate, inFlightLimit);
        report.Row("3", $"cold storm, {users.Length:N0} known users without a token at once, {label}",
            $"served in {Format.Seconds(elapsed)}{Failed(failures)}; {exchanges:N0} exchanges, {Format.Rate(rate)}/s; "
            + $"max {stats.MaxInFlightTokenRequests} in flight at Boosted (bound {bound})"
            + (refused.Count > 0 ? "; Boosted refused " + string.Join(", ", refused.Select(r => $"{r.Count:N0} {r.Key}")) : ""),
            $"limit {Format.Rate(limit)}/s, the lower of {algorithm} signing on all cores ({Format.Rate(signRate)}/s) and {bound} in flight ÷ {settings.BoostedLatencyMs} ms ({Format.Rate(inFlightLimit)}/s)",
            Format.Fraction(rate / limit));

        // The same exchanges without the cluster, measured right after the storm on the same cores: what this machine's
        // signer, HTTP stack and Boosted (the emulator, in this process) give at the same bound with nothing between.
        // A comparison, not a ceiling: the plain app-server loop is no leaner than the silo's client, so above 1.0 the
        // cluster costs nothing measurable.
        var direct = await DirectRateAsync(cluster, users, bound, settings.DirectExchangeDuration);
        report.Row("3", $"cold storm, {users.Length:N0} known users without a token at once, {label}; vs direct exchanges",
            $"{Format.Rate(rate)} exchanges/s",
            $"{bound} direct exchanges at a time (sign, post to Boosted, read the answer; no cluster), {Format.Rate(direct)}/s",
            Format.Ratio(rate / direct));

        // The in-flight bound over the latency a caller sees, not the one configured: the emulator's delay plus its HTTP
        // round trip and timer, measured with requests it answers without work (Little's law, the bound's real ceiling).
        var seen = await BoostedLatencyAsync(cluster, bound, settings.DirectExchangeDuration);
        var seenLimit = bound / seen.TotalSeconds;
        report.Row("3", $"cold storm, {users.Length:N0} known users without a token at once, {label}; vs the bound at Boosted's measured latency",
            $"{Format.Rate(rate)} exchanges/s",
            $"limit {Format.Rate(seenLimit)}/s: {bound} in flight ÷ {Format.Ms(seen.TotalMilliseconds)}, the mean answer time of {bound} requests at a time that Boosted refuses without work (configured latency {settings.BoostedLatencyMs} ms)",
            Format.Fraction(rate / seenLimit));
        if (algorithm == KeyAlgorithm.RS256)
        {
            report.Note($"Row 3: the exchange bound is `Boosted__MaxConcurrentExchanges` ({cluster.BoostedOptions.MaxConcurrentExchanges}) per silo "
                + $"with {settings.BoostedLatencyMs} ms Boosted latency, so one silo cannot exceed about "
                + $"{Format.Rate(cluster.BoostedOptions.MaxConcurrentExchanges * 1000.0 / settings.BoostedLatencyMs)} exchanges/s whatever it signs; "
                + $"`Boosted__MaxQueuedRequests` (default {new BoostedOptions().MaxQueuedRequests:N0}) calls may wait for a slot, the rest fail fast: "
                + "the storm rows raise it to hold the whole storm; the `product defaults` row (full mode) keeps it. Users are known (provisioned) and hold no token (`Tokens__Persist=false` on this row's cluster: their tokens expired, as after an idle night). "
                + "Max in flight is the emulator's high-water mark over the whole run of that cluster.");
        }
    }

    /// <summary>
    /// Exchanges per second with <paramref name="concurrency"/> app-server loops that each sign an assertion with the
    /// silo's signer and post it to Boosted, for the storm's users (their Boosted IDs), over <paramref name="duration"/>.
    /// </summary>
    private static async Task<double> DirectRateAsync(BenchCluster cluster, string[] users, int concurrency, TimeSpan duration)
    {
        var subjects = await UserGrains.BoostedIdsAsync(cluster.Client, users[..(concurrency * 4)]);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
        var exchange = cluster.NewDirectExchange(http);
        return await LoopRateAsync(concurrency, duration, i => exchange.ExchangeAsync(subjects[i % subjects.Length]));
    }

    /// <summary>
    /// The mean time Boosted takes to answer, as a caller sees it, with <paramref name="concurrency"/> requests at a time
    /// over <paramref name="duration"/>: token requests of an unknown grant type, which it refuses without verifying
    /// anything once its latency has passed.
    /// </summary>
    private static async Task<TimeSpan> BoostedLatencyAsync(BenchCluster cluster, int concurrency, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
        var endpoint = cluster.Emulator.TokenEndpoint;
        async Task ProbeAsync()
        {
            using var content = new FormUrlEncodedContent([new("grant_type", "urn:bench:latency-probe")]);
            using var response = await http.PostAsync(endpoint, content);
            await response.Content.ReadAsByteArrayAsync();
        }
        // Closed loops: each answer frees its loop for the next, so the mean answer time is loops ÷ rate.
        return TimeSpan.FromSeconds(concurrency / await LoopRateAsync(concurrency, duration, _ => ProbeAsync()));
    }

    /// <summary>Calls per second of <paramref name="loops"/> closed loops over <paramref name="duration"/>, each loop's connection opened first.</summary>
    private static async Task<double> LoopRateAsync(int loops, TimeSpan duration, Func<long, Task> call)
    {
        await Task.WhenAll(Enumerable.Range(0, loops).Select(i => call(i)));
        var result = new LoadResult();
        await ClosedLoop.RunAsync(loops, duration, call, result);
        return result.Errors == 0 ? result.PerSecond
            : throw new InvalidOperationException($"{result.Errors:N0} calls failed while measuring a baseline of row 3.");
    }

    /// <summary>Starts one call per grain at the same moment and waits for all; returns time, failures by type, distinct tokens.</summary>
    private static async Task<(TimeSpan Elapsed, Dictionary<string, int> Failures, int Tokens)> StormAsync(IReadOnlyList<IUserTokenGrain> grains)
    {
        var gate = new TaskCompletionSource();
        var failures = new Dictionary<string, int>();
        var tokens = new HashSet<string>();
        var calls = grains.Select(async grain =>
        {
            await gate.Task;
            try
            {
                var token = await grain.GetAccessTokenAsync();
                lock (tokens)
                    tokens.Add(token.Sha256);
            }
            catch (Exception e)
            {
                lock (failures)
                    failures[e.GetType().Name] = failures.GetValueOrDefault(e.GetType().Name) + 1;
            }
        }).ToList();
        var clock = Stopwatch.StartNew();
        gate.SetResult();
        await Task.WhenAll(calls);
        return (clock.Elapsed, failures, tokens.Count);
    }

    private static string Failed(Dictionary<string, int> failures) =>
        failures.Count == 0 ? "" : ", FAILED: " + string.Join(", ", failures.Select(f => $"{f.Value:N0} {f.Key}"));
}
