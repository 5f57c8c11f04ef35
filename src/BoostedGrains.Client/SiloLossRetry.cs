using System.Diagnostics;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace BoostedGrains.Client;

/// <summary>
/// Sends a grain call once more when its silo was lost, after the cluster has moved on: until the cluster has declared
/// the silo dead, Orleans keeps routing the grain to it, and only then does a fresh attempt activate the grain
/// elsewhere. The second attempt goes when the first failed with a silo-loss error (<see cref="IsSiloLoss"/>), or when
/// the first is still unanswered after <see cref="MaxWait"/> (a call that reached the silo just before it died is never
/// answered); the first answer wins. Both attempts call the same grain method, which the grains make safe to repeat (a
/// second call for a token joins the exchange in flight). Any other failure reaches the caller at once, and nothing
/// waits longer than <see cref="MaxWait"/> before the one retry, so a real outage still answers with the typed error
/// quickly. The token API and the client library each hold one.
/// </summary>
public sealed class SiloLossRetry
{
    private readonly Func<object?> _mark;
    private readonly Func<object?, CancellationToken, Task> _movedOnSince;

    /// <summary>A retry that marks each call's start (without allocating) and builds the wait only for a retry.</summary>
    /// <param name="mark">Called as the call starts: what the cluster looks like then (a membership snapshot, say).</param>
    /// <param name="movedOnSince">
    /// Called only for a retry, with the call's mark: a wait that completes once the cluster has moved on from a silo
    /// lost since the mark (at once if it already has).
    /// </param>
    /// <param name="maxWait">
    /// From the start of the call, the longest wait before the retry: about the time the cluster needs to declare a
    /// killed silo dead.
    /// </param>
    public SiloLossRetry(Func<object?> mark, Func<object?, CancellationToken, Task> movedOnSince, TimeSpan maxWait)
    {
        _mark = mark;
        _movedOnSince = movedOnSince;
        MaxWait = maxWait;
    }

    /// <summary>From the start of a call, the longest wait before its retry.</summary>
    public TimeSpan MaxWait { get; }

    /// <summary>
    /// A retry without a view of membership (an Orleans client): it waits out <paramref name="maxWait"/>, about the
    /// time the cluster needs to declare a killed silo dead.
    /// </summary>
    public static SiloLossRetry WithoutMembership(TimeSpan maxWait) =>
        new(static () => null, static (_, cancel) => Task.Delay(Timeout.Infinite, cancel), maxWait);

    /// <summary>
    /// True for the failures of a call whose silo just died or left: Orleans could not deliver it, or the connection to
    /// the silo (or to the client's gateway) failed.
    /// </summary>
    public static bool IsSiloLoss(Exception error) => error is OrleansMessageRejectionException or ConnectionFailedException;

    /// <summary>Runs <paramref name="call"/>, sending it once more after a silo loss.</summary>
    public Task<T> ExecuteAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken = default) =>
        ExecuteAsync(static call => call(), call, cancellationToken);

    /// <summary>
    /// Runs <paramref name="call"/> with <paramref name="state"/>, sending it once more after a silo loss; with a static
    /// lambda, a call allocates no closure.
    /// </summary>
    public async Task<T> ExecuteAsync<TState, T>(Func<TState, Task<T>> call, TState state, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var mark = _mark();
        var first = call(state);
        // The common case ends here: answered within MaxWait, at the cost of one bounded wait and nothing else.
        try
        {
            return await first.WaitAsync(MaxWait, cancellationToken);
        }
        catch (Exception error) when (first.IsCompleted ? IsSiloLoss(error) : error is TimeoutException)
        {
        }
        if (first.IsCompleted)
        {
            // Sent again once the cluster has moved on; this attempt's failure, a silo loss too, reaches the caller.
            await WaitMovedOnAsync(mark, started, cancellationToken);
            return await call(state).WaitAsync(cancellationToken);
        }
        // Unanswered after the longest wait: the second attempt goes now, and the first answer wins. A grain call does
        // not observe cancellation, so the loser is not waited for.
        var second = call(state);
        var winner = await Task.WhenAny(first, second).WaitAsync(cancellationToken);
        // The loser's failure, if it ever fails, is nobody's to handle.
        _ = (winner == first ? second : first).ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return await winner;
    }

    /// <summary>Runs <paramref name="call"/>, sending it once more after a silo loss.</summary>
    public Task ExecuteAsync(Func<Task> call, CancellationToken cancellationToken = default) =>
        ExecuteAsync(static async call =>
        {
            await call();
            return true;
        }, call, cancellationToken);

    private async Task WaitMovedOnAsync(object? mark, long started, CancellationToken cancellationToken)
    {
        var left = MaxWait - Stopwatch.GetElapsedTime(started);
        if (left <= TimeSpan.Zero)
            return;
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(left);
        try
        {
            await _movedOnSince(mark, bound.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not moved on within the bound: the retry goes now and answers for itself.
        }
    }
}
