namespace BoostedGrains.Diagnostics;

/// <summary>
/// When this silo last heard from Boosted and when it last failed to (transport error, timeout, 5xx, 429), for the
/// readiness check. Any other answer, a 4xx included, proves Boosted reachable.
/// </summary>
public sealed class BoostedReachability(TimeProvider time)
{
    private long _lastSuccessTicks;
    private long _lastFailureTicks;

    /// <summary>The last answer that showed Boosted working, or null when there was none yet.</summary>
    public DateTimeOffset? LastSuccess => Read(ref _lastSuccessTicks);

    /// <summary>The last attempt that found Boosted unreachable or failing, or null.</summary>
    public DateTimeOffset? LastFailure => Read(ref _lastFailureTicks);

    /// <summary>Records an attempt's result now.</summary>
    public void Record(bool reachable)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (reachable)
            Interlocked.Exchange(ref _lastSuccessTicks, now);
        else
            Interlocked.Exchange(ref _lastFailureTicks, now);
    }

    private static DateTimeOffset? Read(ref long ticks)
    {
        var value = Interlocked.Read(ref ticks);
        return value == 0 ? null : new DateTimeOffset(value, TimeSpan.Zero);
    }
}
