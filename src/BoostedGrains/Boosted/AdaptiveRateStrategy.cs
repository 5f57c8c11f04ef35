using System.Net;
using Polly;

namespace BoostedGrains.Boosted;

/// <summary>
/// Holds each attempt until <see cref="AdaptiveRate"/> lets it go, and tells the rate how Boosted answered. Sits inside
/// the retries and the <c>Retry-After</c> gate, so retries are paced too and a held-back silo reserves no permits. An
/// attempt whose permit a cut voided, or whose silo a <c>Retry-After</c> came to hold while it waited, is not sent on
/// the old schedule: it waits for the hold to pass and reserves again.
/// </summary>
internal sealed class AdaptiveRateStrategy(AdaptiveRate rate, RetryAfterGate gate, TimeProvider time) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        long generation;
        while (true)
        {
            (var wait, generation, var voided) = rate.Reserve();
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
            if (!voided.IsCancellationRequested && !gate.Holds)
                break;
            if (await gate.HoldAsync(context) is { } held)
                return held;
        }

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
