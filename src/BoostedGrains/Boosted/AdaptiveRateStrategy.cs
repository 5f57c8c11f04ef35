using System.Net;
using Polly;

namespace BoostedGrains.Boosted;

/// <summary>
/// Holds each attempt until <see cref="AdaptiveRate"/> lets it go and no <c>Retry-After</c> holds the silo
/// (<see cref="RetryAfterGate"/>), and tells both how Boosted answered. Sits inside the retries, so retries are paced too. While a <c>Retry-After</c> holds the silo, permits
/// are reserved from the named time on, so the held attempts leave paced at the rate, not in a burst. An attempt whose
/// permit a cut voided, or whose silo a <c>Retry-After</c> came to hold while it waited, is not sent on the old schedule:
/// it reserves again.
/// </summary>
internal sealed class AdaptiveRateStrategy(AdaptiveRate rate, RetryAfterGate gate, TimeProvider time) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        long generation;
        while (true)
        {
            if (gate.Refusal() is { } refused)
                return refused;
            (var wait, generation, var voided) = rate.Reserve(notBefore: gate.Remaining);
            if (wait > TimeSpan.Zero)
            {
                using var waiting = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, voided);
                try
                {
                    await Task.Delay(wait, time, waiting.Token);
                }
                catch (OperationCanceledException e) when (context.CancellationToken.IsCancellationRequested)
                {
                    return Outcome.FromException<HttpResponseMessage>(e);
                }
                catch (OperationCanceledException)
                {
                }
            }
            if (!voided.IsCancellationRequested && gate.Remaining == TimeSpan.Zero)
                break;
        }

        context.Properties.Set(RetryAfterGate.Key, gate);
        var outcome = await callback(context, state);
        if (outcome.Result is { } response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // The hold first: the cut wakes the attempts waiting on the old schedule, and they must find it.
                gate.Observe(outcome);
                rate.Limited(generation);
            }
            else if (!BoostedHttp.IsTransient(response.StatusCode))
                rate.Accepted();
        }
        return outcome;
    }
}

/// <summary>Options of <see cref="AdaptiveRateStrategy"/> (it has none; Polly asks for an options object).</summary>
internal sealed class AdaptiveRateStrategyOptions : ResilienceStrategyOptions
{
    public AdaptiveRateStrategyOptions() => Name = "AdaptiveRate";
}
