using System.Diagnostics;
using BoostedGrains.Benchmarks.Infrastructure;
using BoostedGrains.Benchmarks.Reporting;
using BoostedGrains.Testing;

namespace BoostedGrains.Benchmarks.Scenarios;

/// <summary>
/// Row 8: warm token fetches through the HTTP token API of 1 silo process and of 3 (the load spread evenly over the 3
/// token APIs), two clusters of this build's Silo side by side on one Azurite, each with its emulator process, the same
/// users and callers, measured in alternating slices. On one machine the 3 processes share its cores, so the ratio
/// shows what the extra processes and silo-to-silo hops cost, not what 3 machines gain.
/// </summary>
public static class ScaleScenario
{
    private static readonly TimeSpan CpuSample = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan JitWarmUp = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        Console.WriteLine($"Row 8: warm fetches through 1 and 3 silo processes, {settings.ScaleUsers:N0} users...");
        var loadBefore = MachineInfo.LoadAverage();
        var azurite = new AzuriteServer();
        await azurite.InitializeAsync();
        try
        {
            var starting = new[] { ProcessTopology.StartAsync(azurite, silos: 1), ProcessTopology.StartAsync(azurite, silos: 3) };
            await Task.WhenAll(starting.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            await using var one = await starting[0];
            await using var three = await starting[1];
            using var oneApi = new SiloApis(one.Settings);
            using var threeApi = new SiloApis(three.Settings);

            var users = Enumerable.Range(0, settings.ScaleUsers).Select(i => $"scale-{i}").ToArray();
            var clock = Stopwatch.StartNew();
            var warm = await Task.WhenAll(WarmAsync(oneApi, users), WarmAsync(threeApi, users));
            Console.WriteLine($"  every user has a token on both clusters ({clock.Elapsed.TotalSeconds:N0} s)");
            if (warm.Any(w => w.Retried > 0))
            {
                report.Note($"Row 8: first tokens that failed and were asked for once more while the clusters warmed up: {warm[0].Retried:N0} on 1 silo "
                    + $"({warm[0].FirstError ?? "none"}), {warm[1].Retried:N0} on 3 silos ({warm[1].FirstError ?? "none"}).");
            }
            var exchangesBefore = await ExchangesAsync(one, three);

            // The 3-silo side sends call i to silo i % 3: each user's calls reach every silo, and 2 in 3 of them
            // hop to the silo that holds the user's grain, as behind a load balancer.
            Task OneAsync(long i) => FetchAsync(oneApi, 0, users[i % users.Length]);
            Task ThreeAsync(long i) => FetchAsync(threeApi, (int)(i % 3), users[i % users.Length]);

            // The silo processes start cold: without this the first caller count measured their JIT at tier 0.
            await ClosedLoop.RunAsync(settings.ScaleCallers.Max(), JitWarmUp, OneAsync, null);
            await ClosedLoop.RunAsync(settings.ScaleCallers.Max(), JitWarmUp, ThreeAsync, null);

            foreach (var callers in settings.ScaleCallers)
            {
                var pairs = await ClosedLoop.PairedAsync(callers, settings.WarmupPerSide, settings.MeasurePerSide, settings.Slices, settings.Repetitions,
                    OneAsync, ThreeAsync);
                var median = pairs.OrderBy(p => p.Subject.PerSecond / p.Baseline.PerSecond).ElementAt(pairs.Count / 2);
                var oneCpu = await MeasureCpuAsync(callers, OneAsync);
                var threeCpu = await MeasureCpuAsync(callers, ThreeAsync);
                report.Row("8", $"warm fetch, HTTP token API, {callers} callers, {users.Length:N0} users: 3 silo processes (load spread over their 3 token APIs) against 1",
                    "3 silos: " + median.Subject.Describe("req") + "; " + threeCpu,
                    "1 silo: " + median.Baseline.Describe("req") + "; " + oneCpu,
                    Format.Spread([.. pairs.Select(p => p.Subject.PerSecond / p.Baseline.PerSecond)]));
            }

            var exchanges = await ExchangesAsync(one, three) - exchangesBefore;
            report.Note($"Row 8: {Path.GetRelativePath(RepositoryRoot.Path, RepoPaths.SiloDll)} on product defaults, a cluster of 1 process and one of 3 "
                + "side by side on one Azurite, each with its emulator process (no added latency); the same users hold a valid token on both. "
                + $"Each pair is measured {settings.Repetitions} times after one warm-up, in alternating slices; the ratio 3 silos / 1 silo is min / median / max "
                + "over the repetitions (no ceiling: a ratio above 1.0 would be a gain). The load generator runs in the benchmark process on the same "
                + $"{Environment.ProcessorCount} cores as every silo; allocated bytes per call are the benchmark process's alone (the HTTP client), "
                + $"CPU is sampled over {CpuSample.TotalSeconds:N0} s per side after the repetitions. {exchanges:N0} exchanges happened while measuring (warm means none). "
                + $"Load average {loadBefore} before, {MachineInfo.LoadAverage()} after the row.");
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    /// <summary>
    /// Every user gets a token, from the silos in turn; the first alone (it creates the organization and workspace). A
    /// first token that fails is asked for once more, and counted: right after 3 silo processes start together, some of
    /// the first calls have been seen to wait out Orleans' 30 s response timeout, which the row reports rather than dies of.
    /// </summary>
    private static async Task<(int Retried, string? FirstError)> WarmAsync(SiloApis api, string[] users)
    {
        await FetchAsync(api, 0, users[0]);
        var retried = 0;
        string? firstError = null;
        await Parallel.ForAsync(1, users.Length, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            try
            {
                await FetchAsync(api, i % api.Count, users[i]);
            }
            catch (HttpRequestException e)
            {
                Interlocked.Increment(ref retried);
                Interlocked.CompareExchange(ref firstError, e.Message, null);
                await FetchAsync(api, i % api.Count, users[i]);
            }
        });
        return (retried, firstError);
    }

    private static async Task FetchAsync(SiloApis api, int silo, string user)
    {
        var answer = await api.GetTokenAsync(silo, user);
        if (answer.Error is not null)
            throw new HttpRequestException(answer.Error);
    }

    private static async Task<long> ExchangesAsync(params ProcessTopology[] topologies)
    {
        long sum = 0;
        foreach (var topology in topologies)
            sum += (await topology.GetStatsAsync()).Exchanges.Values.Sum();
        return sum;
    }

    /// <summary>How busy the machine's cores and the benchmark process (the load generator) are under this load.</summary>
    private static async Task<string> MeasureCpuAsync(int callers, Func<long, Task> call)
    {
        var (busyBefore, totalBefore) = MachineInfo.CpuTicks();
        var self = Process.GetCurrentProcess();
        var selfBefore = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await ClosedLoop.RunAsync(callers, CpuSample, call, null);
        var elapsed = clock.Elapsed;
        self.Refresh();
        var (busyAfter, totalAfter) = MachineInfo.CpuTicks();
        var cores = Environment.ProcessorCount;
        var machine = totalAfter > totalBefore ? (double)(busyAfter - busyBefore) / (totalAfter - totalBefore) * cores : double.NaN;
        var load = (self.TotalProcessorTime - selfBefore) / elapsed;
        return $"CPU {machine:N2} of {cores} cores busy, {load:N2} of them the load generator";
    }
}
