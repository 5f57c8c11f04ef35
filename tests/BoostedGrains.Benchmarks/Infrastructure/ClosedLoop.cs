using System.Diagnostics;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>
/// A fixed number of callers, each calling again as soon as its last call returns. A baseline and its subject are
/// measured in alternating slices, so that load from elsewhere on the machine falls on both alike.
/// </summary>
public static class ClosedLoop
{
    public static async Task<(LoadResult Baseline, LoadResult Subject)> PairedAsync(
        int callers, TimeSpan warmup, TimeSpan measure, int slices, Func<long, Task> baseline, Func<long, Task> subject)
    {
        await RunAsync(callers, warmup, baseline, null);
        await RunAsync(callers, warmup, subject, null);
        var b = new LoadResult();
        var s = new LoadResult();
        for (var i = 0; i < slices; i++)
        {
            await RunAsync(callers, measure / slices, baseline, b);
            await RunAsync(callers, measure / slices, subject, s);
        }
        return (b, s);
    }

    /// <summary>Runs <paramref name="callers"/> loops for <paramref name="duration"/>; a call gets a sequence number unique across callers.</summary>
    public static async Task RunAsync(int callers, TimeSpan duration, Func<long, Task> call, LoadResult? into)
    {
        long sequence = 0;
        long errors = 0;
        var latencies = Enumerable.Range(0, callers).Select(_ => new List<long>(4096)).ToArray();
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
        into?.Add(clock.Elapsed, errors, latencies);
    }
}
