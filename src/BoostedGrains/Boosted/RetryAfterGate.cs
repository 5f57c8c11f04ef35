using System.Net;
using System.Net.Http.Headers;
using Polly;

namespace BoostedGrains.Boosted;

/// <summary>
/// Honours Boosted's <c>Retry-After</c> for the whole silo, not only for the call that received it: once a 429 names a
/// time, no attempt of this pipeline is sent before it. An attempt that comes earlier waits for that time, unless the
/// wait outlasts a whole call (<see cref="BoostedOptions.TotalRequestTimeout"/>): then it is answered here at once with
/// a 429 carrying the remaining wait, which fails the call with that delay instead of a timeout. Sits inside the retries
/// and outside the circuit breaker: waiting here is not a failure of Boosted and must not open the breaker.
/// </summary>
internal sealed class RetryAfterGate(TimeProvider time, TimeSpan totalRequestTimeout) : ResilienceStrategy<HttpResponseMessage>
{
    private long _notBeforeUtcTicks;

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        while (Remaining() is { } wait)
        {
            if (wait >= totalRequestTimeout)
            {
                var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
                response.Headers.RetryAfter = new RetryConditionHeaderValue(wait);
                return Outcome.FromResult(response);
            }
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
        if (outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } limited && BoostedResilience.RetryAfter(limited) is { } delay)
            Extend(time.GetUtcNow() + delay);
        return outcome;
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
