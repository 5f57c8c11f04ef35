using System.Diagnostics;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>
/// A fixed number of callers, each calling again as soon as its last call returns. A baseline and its subject are
/// measured in alternating slices, so that load from elsewhere on the machine falls on both alike.
/// </summary>
public static class ClosedLoop
{
    /// <summary>
    /// Warms both sides up once, then measures them <paramref name="repetitions"/> times, each repetition in
    /// alternating slices; returns one pair per repetition.
    /// </summary>
    public static async Task<List<(LoadResult Baseline, LoadResult Subject)>> PairedAsync(
        int callers, TimeSpan warmup, TimeSpan measure, int slices, int repetitions, Func<long, Task> baseline, Func<long, Task> subject)
    {
        await RunAsync(callers, warmup, baseline, null);
        await RunAsync(callers, warmup, subject, null);
        var pairs = new List<(LoadResult, LoadResult)>();
        for (var r = 0; r < repetitions; r++)
        {
            var b = new LoadResult();
            var s = new LoadResult();
            for (var i = 0; i < slices; i++)
            {
                await RunAsync(callers, measure / slices, baseline, b);
                await RunAsync(callers, measure / slices, subject, s);
            }
            pairs.Add((b, s));
        }
        return pairs;
    }

    /// <summary>
    /// The table's cells for paired repetitions: the repetition with the median ratio, described, and the ratios'
    /// min / median / max (a ratio above 1.0 marks a failed measurement).
    /// </summary>
    public static (LoadResult Baseline, LoadResult Subject, string Ratios) Summarize(List<(LoadResult Baseline, LoadResult Subject)> pairs)
    {
        var ratios = pairs.Select(p => p.Subject.PerSecond / p.Baseline.PerSecond).ToList();
        var median = pairs.OrderBy(p => p.Subject.PerSecond / p.Baseline.PerSecond).ElementAt(pairs.Count / 2);
        return (median.Baseline, median.Subject, Format.Fractions(ratios));
    }

    /// <summary>Runs <paramref name="callers"/> loops for <paramref name="duration"/>; a call gets a sequence number unique across callers.</summary>
    public static async Task RunAsync(int callers, TimeSpan duration, Func<long, Task> call, LoadResult? into)
    {
        long sequence = 0;
        long errors = 0;
        var latencies = Enumerable.Range(0, callers).Select(_ => new List<long>(4096)).ToArray();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var end = duration.Ticks;
        var workers = latencies.Select(async mine =>
        {
            await Task.Yield();
            while (clock.Elapsed.Ticks < end)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await call(Interlocked.Increment(ref sequence));
                    mine.Add(Stopwatch.GetTimestamp() - start);
                }
                catch
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        into?.Add(clock.Elapsed, errors, latencies, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
    }
}
