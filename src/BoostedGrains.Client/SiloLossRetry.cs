using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Polly;
using Polly.Retry;

namespace BoostedGrains.Client;

/// <summary>
/// Retries a grain call once when it failed because the silo hosting the grain was lost, after the cluster has moved
/// on: until the cluster has declared the silo dead, Orleans keeps routing the grain to it, and only then does a fresh
/// attempt activate the grain elsewhere. The wait is bounded, so a real outage still answers with the typed error
/// quickly; any other failure reaches the caller at once. The token API and the client library each hold one.
/// </summary>
public sealed class SiloLossRetry
{
    private static readonly ResiliencePropertyKey<Func<CancellationToken, Task>> MovedOnKey = new("BoostedGrains.SiloLossRetry.MovedOn");
    private readonly Func<Func<CancellationToken, Task>> _watch;
    private readonly ResiliencePipeline _pipeline;

    /// <param name="watch">
    /// Called before the first attempt; returns a wait that completes once the cluster has moved on from a silo lost
    /// since then (or at once if it already has).
    /// </param>
    /// <param name="maxWait">The longest wait before the one retry: about the time the cluster needs to declare a killed silo dead.</param>
    public SiloLossRetry(Func<Func<CancellationToken, Task>> watch, TimeSpan maxWait)
    {
        _watch = watch;
        MaxWait = maxWait;
        _pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 1,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } error && IsSiloLoss(error)),
            DelayGenerator = async args =>
            {
                await WaitMovedOnAsync(args.Context);
                return TimeSpan.Zero;
            },
        }).Build();
    }

    /// <summary>The longest wait for the cluster to move on before the retry.</summary>
    public TimeSpan MaxWait { get; }

    /// <summary>A retry without a view of membership (an Orleans client): waits <paramref name="delay"/>, about the time the cluster needs to declare a killed silo dead.</summary>
    public static SiloLossRetry AfterDelay(TimeSpan delay) => new(() => cancel => Task.Delay(delay, cancel), delay);

    /// <summary>
    /// True for the failures of a call whose silo just died or left: Orleans could not deliver it, or the connection to
    /// the silo (or to the client's gateway) failed.
    /// </summary>
    public static bool IsSiloLoss(Exception error) => error is OrleansMessageRejectionException or ConnectionFailedException;

    /// <summary>Runs <paramref name="call"/>, retrying it once after a silo loss.</summary>
    public async Task<T> ExecuteAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken = default)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(MovedOnKey, _watch());
        try
        {
            return await _pipeline.ExecuteAsync(static async (_, call) => await call(), context, call);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Runs <paramref name="call"/>, retrying it once after a silo loss.</summary>
    public Task ExecuteAsync(Func<Task> call, CancellationToken cancellationToken = default) =>
        ExecuteAsync(async () =>
        {
            await call();
            return true;
        }, cancellationToken);

    private async Task WaitMovedOnAsync(ResilienceContext context)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        bound.CancelAfter(MaxWait);
        try
        {
            await context.Properties.GetValue(MovedOnKey, _ => Task.CompletedTask)(bound.Token);
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            // Not moved on within the bound: the one retry goes now and answers for itself.
        }
    }
}
