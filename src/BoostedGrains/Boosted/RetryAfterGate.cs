using System.Net;
using System.Net.Http.Headers;
using Polly;

namespace BoostedGrains.Boosted;

/// <summary>
/// Honours Boosted's <c>Retry-After</c> for the whole silo, not only for the call that received it: once a 429 names a
/// time, no attempt of this pipeline is sent before it. The silo's hold; <see cref="AdaptiveRateStrategy"/> applies it:
/// it records every 429 here and reserves each attempt's permit from the named time on, so the held attempts leave one
/// interval of the silo's rate apart (a rate that 429 has just cut), not all at once, and the last of a few waiting
/// calls is not kept back longer than the rate requires. A wait that outlasts a whole call
/// (<see cref="BoostedOptions.TotalRequestTimeout"/>) is answered at once with a 429 carrying the remaining wait
/// (<see cref="Refusal"/>), which fails the call with that delay instead of a timeout. A <c>Retry-After</c> longer than
/// <see cref="BoostedOptions.MaxRetryAfter"/> holds the silo back for that cap only, so that a huge value cannot stop
/// its calls until a restart. Waiting here is not a failure of Boosted and must not open the breaker.
/// </summary>
internal sealed class RetryAfterGate(TimeProvider time, BoostedOptions options)
{
    private long _notBeforeUtcTicks;

    /// <summary>Holds the silo back for the <c>Retry-After</c> of a 429 (up to the cap); any other outcome changes nothing.</summary>
    public void Observe(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } limited && BoostedResilience.RetryAfter(limited, time) is { } delay)
            Extend(time.GetUtcNow() + (delay < options.MaxRetryAfter ? delay : options.MaxRetryAfter));
    }

    /// <summary>How long a <c>Retry-After</c> still holds the silo back; zero when none does.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var wait = new DateTimeOffset(Interlocked.Read(ref _notBeforeUtcTicks), TimeSpan.Zero) - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
    }

    /// <summary>Where an attempt finds its silo's gate, for its last look before it is sent (<see cref="AttemptContentHandler"/>).</summary>
    public static readonly ResiliencePropertyKey<RetryAfterGate> Key = new("BoostedGrains.RetryAfterGate");

    /// <summary>
    /// A 429 carrying the remaining wait when a hold began after the attempt was let go, or null: a 429 may arrive while
    /// the attempt makes its body (signs its assertion), and on a loaded machine that can take long enough for the attempt
    /// to reach Boosted inside the hold. Answered here, the attempt is retried once the hold has passed, like any 429.
    /// </summary>
    public HttpResponseMessage? HeldBack() => Remaining is { } wait && wait > TimeSpan.Zero ? TooManyRequests(wait) : null;

    /// <summary>A 429 carrying the remaining wait, to answer instead of sending, when the hold outlasts a whole call.</summary>
    public Outcome<HttpResponseMessage>? Refusal()
    {
        var wait = Remaining;
        if (wait < options.TotalRequestTimeout)
            return null;
        return Outcome.FromResult(TooManyRequests(wait));
    }

    private static HttpResponseMessage TooManyRequests(TimeSpan wait)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(wait);
        return response;
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
