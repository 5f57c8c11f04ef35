namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>
/// App servers asking tokens for users round-robin through a call that may fail (an HTTP request, a client-library
/// call). Each call gets a number of tries within a time budget; counts calls, tries and calls that failed even so, and
/// keeps the slowest call.
/// </summary>
internal sealed class AppServerLoad : CallerLoops
{
    private static readonly TimeSpan PauseBetweenTries = TimeSpan.FromMilliseconds(250);

    private readonly Func<string, CancellationToken, Task> _call;
    private readonly int _tries;
    private readonly TimeSpan _budget;
    private long _retried, _failed, _maxCallMs;

    private AppServerLoad(Func<string, CancellationToken, Task> call, string[] users, int callers, int tries, TimeSpan budget) : base(users)
    {
        _call = call;
        _tries = tries;
        _budget = budget;
        StartCallers(callers);
    }

    /// <summary>Starts <paramref name="callers"/> loops; <paramref name="call"/> throws when a try fails.</summary>
    public static AppServerLoad Start(Func<string, CancellationToken, Task> call, IEnumerable<string> users, int callers, int tries, TimeSpan budget) =>
        new(call, [.. users], callers, tries, budget);

    public async Task<Result> StopAsync()
    {
        await StopCallersAsync();
        return new Result(Calls, Interlocked.Read(ref _retried), Interlocked.Read(ref _failed), Interlocked.Read(ref _maxCallMs), [.. Errors.Keys]);
    }

    protected override async Task CallAsync(string user)
    {
        var started = Now;
        using var budget = new CancellationTokenSource(_budget);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _call(user, budget.Token);
                Succeeded();
                if (attempt > 1)
                    Interlocked.Increment(ref _retried);
                var took = Now - started;
                long max;
                while (took > (max = Interlocked.Read(ref _maxCallMs)) && Interlocked.CompareExchange(ref _maxCallMs, took, max) != max) { }
                return;
            }
            catch (Exception error)
            {
                Errors.TryAdd($"try {attempt}: {error.GetType().Name}: {error.Message}", 0);
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
