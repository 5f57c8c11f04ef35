using System.Net;
using System.Net.Http.Headers;
using Polly;

namespace BoostedGrains.Boosted;

/// <summary>
/// Honours Boosted's <c>Retry-After</c> for the whole silo, not only for the call that received it: once a 429 names a
/// time, no attempt of this pipeline is sent before it (<see cref="AdaptiveRateStrategy"/> asks <see cref="Holds"/> again
/// just before each send, for the attempts already waiting for a rate permit). An attempt that comes earlier waits for that time, then for its
/// share of <see cref="BoostedOptions.RetryAfterSpread"/>, so that the waiting calls do not all leave at once. A wait
/// that outlasts a whole call (<see cref="BoostedOptions.TotalRequestTimeout"/>) is answered here at once with a 429
/// carrying the remaining wait, which fails the call with that delay instead of a timeout. A <c>Retry-After</c> longer
/// than <see cref="BoostedOptions.MaxRetryAfter"/> holds the silo back for that cap only, so that a huge value cannot
/// stop its calls until a restart. Sits inside the retries and outside the circuit breaker: waiting here is not a
/// failure of Boosted and must not open the breaker.
/// </summary>
internal sealed class RetryAfterGate(TimeProvider time, BoostedOptions options) : ResilienceStrategy<HttpResponseMessage>
{
    // The golden ratio's fractional part: successive multiples fill [0, 1) evenly whatever their number, so any count
    // of waiting calls leaves spread over the whole window without a shared plan.
    private const double Golden = 0.6180339887498949;

    private long _notBeforeUtcTicks;
    private long _released;

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        if (await HoldAsync(context) is { } held)
            return held;

        var outcome = await callback(context, state);
        // The adaptive rate inside has observed it already; a hold extended twice to the same time is extended once.
        Observe(outcome);
        return outcome;
    }

    /// <summary>Holds the silo back for the <c>Retry-After</c> of a 429 (up to the cap); any other outcome changes nothing.</summary>
    public void Observe(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } limited && BoostedResilience.RetryAfter(limited, time) is { } delay)
            Extend(time.GetUtcNow() + (delay < options.MaxRetryAfter ? delay : options.MaxRetryAfter));
    }

    /// <summary>Whether a <c>Retry-After</c> holds the silo back now.</summary>
    public bool Holds => Remaining() is not null;

    /// <summary>
    /// Waits until no <c>Retry-After</c> holds the silo back, then for this call's share of the spread. Returns the
    /// outcome to answer instead of sending, if any: a 429 when the wait would outlast the call, or its cancellation.
    /// </summary>
    public async ValueTask<Outcome<HttpResponseMessage>?> HoldAsync(ResilienceContext context)
    {
        var spread = TimeSpan.Zero;
        while (Remaining() is { } wait)
        {
            if (wait >= options.TotalRequestTimeout)
            {
                var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
                response.Headers.RetryAfter = new RetryConditionHeaderValue(wait);
                return Outcome.FromResult(response);
            }
            if (spread == TimeSpan.Zero)
                spread = options.RetryAfterSpread * (Interlocked.Increment(ref _released) * Golden % 1);
            try
            {
                await Task.Delay(wait + spread, time, context.CancellationToken);
            }
            catch (OperationCanceledException e)
            {
                return Outcome.FromException<HttpResponseMessage>(e);
            }
        }
        return null;
    }

    private TimeSpan? Remaining()
    {
        var wait = new DateTimeOffset(Interlocked.Read(ref _notBeforeUtcTicks), TimeSpan.Zero) - time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : null;
    }

    private void Extend(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        var seen = Interlocked.Read(ref _notBeforeUtcTicks);
        while (ticks > seen)
        {
            var previous = Interlocked.CompareExchange(ref _notBeforeUtcTicks, ticks, seen);
            if (previous == seen)
                return;
            seen = previous;
        }
    }
}

/// <summary>Options of <see cref="RetryAfterGate"/> (it has none; Polly asks for an options object).</summary>
internal sealed class RetryAfterGateOptions : ResilienceStrategyOptions
{
    public RetryAfterGateOptions() => Name = "RetryAfterGate";
}
