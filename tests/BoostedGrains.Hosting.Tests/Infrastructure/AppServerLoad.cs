using System.Collections.Concurrent;
using System.Diagnostics;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>
/// App servers asking tokens for users round-robin through a call that may fail (an HTTP request, a client-library
/// call). Each call gets a number of tries within a time budget; counts calls, tries and calls that failed even so, and
/// keeps the slowest call.
/// </summary>
internal sealed class AppServerLoad
{
    private static readonly TimeSpan PauseBetweenTries = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Pacing = TimeSpan.FromMilliseconds(20);

    private readonly Func<string, CancellationToken, Task> _call;
    private readonly string[] _users;
    private readonly int _tries;
    private readonly TimeSpan _budget;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Task> _workers;
    private long _next, _calls, _retried, _failed, _maxCallMs;

    private AppServerLoad(Func<string, CancellationToken, Task> call, string[] users, int callers, int tries, TimeSpan budget)
    {
        _call = call;
        _users = users;
        _tries = tries;
        _budget = budget;
        _workers = Enumerable.Range(0, callers).Select(_ => Task.Run(WorkAsync)).ToList();
    }

    /// <summary>Starts <paramref name="callers"/> loops; <paramref name="call"/> throws when a try fails.</summary>
    public static AppServerLoad Start(Func<string, CancellationToken, Task> call, IEnumerable<string> users, int callers, int tries, TimeSpan budget) =>
        new(call, [.. users], callers, tries, budget);

    public long Now => _clock.ElapsedMilliseconds;

    public long Calls => Interlocked.Read(ref _calls);

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

    public async Task<Result> StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_workers);
        return new Result(Calls, Interlocked.Read(ref _retried), Interlocked.Read(ref _failed), Interlocked.Read(ref _maxCallMs), [.. _errors.Keys]);
    }

    private async Task WorkAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var user = _users[Interlocked.Increment(ref _next) % _users.Length];
            await CallAsync(user);
            await Task.Delay(Pacing);
        }
    }

    private async Task CallAsync(string user)
    {
        var started = Now;
        using var budget = new CancellationTokenSource(_budget);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _call(user, budget.Token);
                Interlocked.Increment(ref _calls);
                if (attempt > 1)
                    Interlocked.Increment(ref _retried);
                var took = Now - started;
                long max;
                while (took > (max = Interlocked.Read(ref _maxCallMs)) && Interlocked.CompareExchange(ref _maxCallMs, took, max) != max) { }
                return;
            }
            catch (Exception error)
            {
                _errors.TryAdd($"try {attempt}: {error.GetType().Name}: {error.Message}", 0);
                if (attempt == _tries || budget.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _failed);
                    return;
                }
            }
            try
            {
                await Task.Delay(PauseBetweenTries, budget.Token);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _failed);
                return;
            }
        }
    }

    /// <summary>What the load saw: calls that succeeded, of them the ones that needed more than one try, calls that failed every try.</summary>
    public sealed record Result(long Calls, long Retried, long Failed, long MaxCallMs, IReadOnlyList<string> Errors)
    {
        public override string ToString() =>
            $"calls {Calls}, needed a second try {Retried}, failed {Failed}, slowest call {MaxCallMs} ms; errors: {(Errors.Count == 0 ? "none" : string.Join("; ", Errors.Take(8)))}";
    }
}
