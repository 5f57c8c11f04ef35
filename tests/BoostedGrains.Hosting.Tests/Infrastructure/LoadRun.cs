using System.Collections.Concurrent;
using System.Diagnostics;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>
/// App-server load: callers ask tokens for users round-robin, each call retried at most once after
/// <see cref="RetryDelay"/>. Counts calls, retries and calls that failed even after their retry.
/// </summary>
internal sealed class LoadRun
{
    /// <summary>
    /// Long enough for membership (product defaults: about 2 s) to declare a killed silo dead before the retry. These
    /// callers use a bare Orleans client, without the client library's own retry.
    /// </summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    // Paced so that the load leaves the silos some CPU on 2 cores.
    private static readonly TimeSpan Pacing = TimeSpan.FromMilliseconds(20);

    private readonly IGrainFactory _grains;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Task> _workers;
    private volatile string[] _users;
    private long _next, _calls, _retries, _failed, _lastRetryDoneMs = -1, _lastFirstFailureMs = -1;

    private LoadRun(IGrainFactory grains, string[] users, int callers)
    {
        _grains = grains;
        _users = users;
        _workers = Enumerable.Range(0, callers).Select(_ => Task.Run(WorkAsync)).ToList();
    }

    public static LoadRun Start(IGrainFactory grains, IEnumerable<string> users, int callers) => new(grains, [.. users], callers);

    /// <summary>Milliseconds since the run started: the time base of the figures below.</summary>
    public long Now => _clock.ElapsedMilliseconds;

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
                throw new TimeoutException($"Only {Calls} of {target} calls succeeded within {timeout}. Errors: {string.Join("; ", _errors.Keys)}");
            await Task.Delay(50);
        }
    }

    public async Task<LoadResult> StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_workers);
        return new LoadResult(Calls, Interlocked.Read(ref _retries), Interlocked.Read(ref _failed),
            Interlocked.Read(ref _lastFirstFailureMs), Interlocked.Read(ref _lastRetryDoneMs), [.. _errors.Keys]);
    }

    private async Task WorkAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var users = _users;
            var user = users[Interlocked.Increment(ref _next) % users.Length];
            await CallAsync(user);
            await Task.Delay(Pacing);
        }
    }

    private async Task CallAsync(string user)
    {
        try
        {
            await _grains.GetUserTokenGrain(user).GetAccessTokenAsync();
            Interlocked.Increment(ref _calls);
            return;
        }
        catch (Exception first)
        {
            Interlocked.Increment(ref _retries);
            Interlocked.Exchange(ref _lastFirstFailureMs, Now);
            _errors.TryAdd($"first attempt: {first.GetType().Name}", 0);
        }
        await Task.Delay(RetryDelay);
        try
        {
            await _grains.GetUserTokenGrain(user).GetAccessTokenAsync();
            Interlocked.Increment(ref _calls);
            Interlocked.Exchange(ref _lastRetryDoneMs, Now);
        }
        catch (Exception second)
        {
            Interlocked.Increment(ref _failed);
            _errors.TryAdd($"retry: {second.GetType().Name}: {second.Message}", 0);
        }
    }
}
