using System.Collections.Concurrent;
using System.Diagnostics;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>
/// App servers' callers: loops that ask tokens for users round-robin, paced so that the load leaves the silos some CPU
/// on 2 cores. A subclass makes one call (with whatever retries it allows) and counts what it saw.
/// </summary>
internal abstract class CallerLoops
{
    private static readonly TimeSpan Pacing = TimeSpan.FromMilliseconds(20);

    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private List<Task> _workers = [];
    private volatile string[] _users;
    private long _next, _calls;

    protected CallerLoops(string[] users) => _users = users;

    /// <summary>Distinct error descriptions seen, for the failure messages.</summary>
    protected ConcurrentDictionary<string, int> Errors { get; } = new();

    /// <summary>Milliseconds since the load started: the time base of its figures.</summary>
    public long Now => _clock.ElapsedMilliseconds;

    /// <summary>Calls that succeeded (after their retries, if any).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Replaces the users asked for (the join test adds users never activated before).</summary>
    public void SetUsers(IEnumerable<string> users) => _users = [.. users];

    /// <summary>Waits, with a deadline, until <paramref name="calls"/> more calls have succeeded.</summary>
    public async Task WaitForCallsAsync(long calls, TimeSpan timeout)
    {
        var target = Calls + calls;
        var deadline = Now + (long)timeout.TotalMilliseconds;
        while (Calls < target)
        {
            if (Now > deadline)
                throw new TimeoutException($"Only {Calls} of {target} calls succeeded within {timeout}. Errors: {string.Join("; ", Errors.Keys)}");
            await Task.Delay(50);
        }
    }

    /// <summary>Starts <paramref name="callers"/> loops.</summary>
    protected void StartCallers(int callers) => _workers = Enumerable.Range(0, callers).Select(_ => Task.Run(WorkAsync)).ToList();

    /// <summary>Stops the loops and waits for the calls in flight.</summary>
    protected async Task StopCallersAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_workers);
    }

    /// <summary>Counts one call that succeeded.</summary>
    protected void Succeeded() => Interlocked.Increment(ref _calls);

    /// <summary>One call for <paramref name="user"/>, with the retries this load allows.</summary>
    protected abstract Task CallAsync(string user);

    private async Task WorkAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var users = _users;
            await CallAsync(users[Interlocked.Increment(ref _next) % users.Length]);
            await Task.Delay(Pacing);
        }
    }
}
