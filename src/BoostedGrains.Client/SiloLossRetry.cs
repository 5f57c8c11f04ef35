using System.Diagnostics;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Polly;
using Polly.Hedging;

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
    private static readonly ResiliencePropertyKey<Func<CancellationToken, Task>> MovedOnKey = new("BoostedGrains.SiloLossRetry.MovedOn");
    private static readonly ResiliencePropertyKey<long> StartedKey = new("BoostedGrains.SiloLossRetry.Started");
    private readonly Func<Func<CancellationToken, Task>> _watch;
    private readonly ResiliencePipeline<object?> _pipeline;

    /// <param name="watch">
    /// Called as the call starts; returns a wait that completes once the cluster has moved on from a silo lost since
    /// then (at once if it already has).
    /// </param>
    /// <param name="maxWait">
    /// From the start of the call, the longest wait before the retry: about the time the cluster needs to declare a
    /// killed silo dead.
    /// </param>
    public SiloLossRetry(Func<Func<CancellationToken, Task>> watch, TimeSpan maxWait)
    {
        _watch = watch;
        MaxWait = maxWait;
        _pipeline = new ResiliencePipelineBuilder<object?>().AddHedging(new HedgingStrategyOptions<object?>
        {
            MaxHedgedAttempts = 1,
            Delay = maxWait,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } error && IsSiloLoss(error)),
            ActionGenerator = args => async () =>
            {
                await WaitMovedOnAsync(args.PrimaryContext, args.ActionContext.CancellationToken);
                return await args.Callback(args.ActionContext);
            },
        }).Build();
    }

    /// <summary>From the start of a call, the longest wait before its retry.</summary>
    public TimeSpan MaxWait { get; }

    /// <summary>
    /// A retry without a view of membership (an Orleans client): it waits out <paramref name="maxWait"/>, about the
    /// time the cluster needs to declare a killed silo dead.
    /// </summary>
    public static SiloLossRetry WithoutMembership(TimeSpan maxWait) => new(() => cancel => Task.Delay(Timeout.Infinite, cancel), maxWait);

    /// <summary>
    /// True for the failures of a call whose silo just died or left: Orleans could not deliver it, or the connection to
    /// the silo (or to the client's gateway) failed.
    /// </summary>
    public static bool IsSiloLoss(Exception error) => error is OrleansMessageRejectionException or ConnectionFailedException;

    /// <summary>Runs <paramref name="call"/>, sending it once more after a silo loss.</summary>
    public async Task<T> ExecuteAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken = default)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StartedKey, Stopwatch.GetTimestamp());
        context.Properties.Set(MovedOnKey, _watch());
        try
        {
            // An attempt that lost the race is cancelled, and the hedging waits for it to end: a grain call does not
            // observe cancellation, so the attempt stops waiting for it instead.
            return (T)(await _pipeline.ExecuteAsync(static async (attempt, call) => (object?)await call().WaitAsync(attempt.CancellationToken), context, call))!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Runs <paramref name="call"/>, sending it once more after a silo loss.</summary>
    public Task ExecuteAsync(Func<Task> call, CancellationToken cancellationToken = default) =>
        ExecuteAsync(async () =>
        {
            await call();
            return true;
        }, cancellationToken);

    private async Task WaitMovedOnAsync(ResilienceContext call, CancellationToken cancellationToken)
    {
        var left = MaxWait - Stopwatch.GetElapsedTime(call.Properties.GetValue(StartedKey, Stopwatch.GetTimestamp()));
        if (left <= TimeSpan.Zero)
            return;
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(left);
        try
        {
            await call.Properties.GetValue(MovedOnKey, _ => Task.CompletedTask)(bound.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not moved on within the bound: the retry goes now and answers for itself.
        }
    }
}
