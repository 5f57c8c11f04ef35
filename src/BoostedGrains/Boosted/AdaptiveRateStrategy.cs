using System.Net;
using Polly;

namespace BoostedGrains.Boosted;

/// <summary>
/// Holds each attempt until <see cref="AdaptiveRate"/> lets it go, and tells the rate how Boosted answered. Sits inside
/// the retries and the <c>Retry-After</c> gate, so retries are paced too and a held-back silo reserves no permits.
/// </summary>
internal sealed class AdaptiveRateStrategy(AdaptiveRate rate, TimeProvider time) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        var (wait, generation) = rate.Reserve();
        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, time, context.CancellationToken);
            }
            catch (OperationCanceledException e)
            {
                return Outcome.FromException<HttpResponseMessage>(e);
            }
        }

        var outcome = await callback(context, state);
        if (outcome.Result is { } response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                rate.Limited(generation);
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
