using System.Diagnostics;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>
/// Starts calls at a fixed rate whatever their latency, as independent users do; a slow path therefore shows up as
/// waiting, not as fewer requests.
/// </summary>
public static class OpenLoop
{
    public static async Task RunAsync(double perSecond, TimeSpan duration, Func<Task> call)
    {
        var outstanding = 0;
        long started = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            for (; started < due; started++)
            {
                Interlocked.Increment(ref outstanding);
                _ = RunOneAsync();
            }
            await Task.Delay(5);
        }
        while (Volatile.Read(ref outstanding) > 0)
            await Task.Delay(10);

        async Task RunOneAsync()
        {
            try
            {
                await call();
            }
            finally
            {
                Interlocked.Decrement(ref outstanding);
            }
        }
    }
}
