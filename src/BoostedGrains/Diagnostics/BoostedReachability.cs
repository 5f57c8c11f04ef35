using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Diagnostics;

/// <summary>
/// When this silo last heard from Boosted and when it last failed to (transport error, timeout, 5xx), for the Degraded
/// health status, the gauge <c>boostedgrains.boosted.reachable</c> and one log line per change. Any other answer, a 4xx
/// or a 429 included, proves Boosted reachable.
/// </summary>
public sealed partial class BoostedReachability
{
    private readonly TimeProvider _time;
    private readonly ILogger<BoostedReachability> _logger;
    private long _lastSuccessTicks;
    private long _lastFailureTicks;
    private int _unreachable;

    public BoostedReachability(TimeProvider time, IMeterFactory meters, ILogger<BoostedReachability> logger)
    {
        _time = time;
        _logger = logger;
        meters.Create(BoostedGrainsMetrics.MeterName).CreateObservableGauge(
            "boostedgrains.boosted.reachable", () => Volatile.Read(ref _unreachable) == 0 ? 1 : 0,
            description: "1 while Boosted's last answer to this silo showed it working, 0 after a transport error, timeout or 5xx.");
    }

    /// <summary>The last answer that showed Boosted working, or null when there was none yet.</summary>
    public DateTimeOffset? LastSuccess => Read(ref _lastSuccessTicks);

    /// <summary>The last attempt that found Boosted unreachable or failing, or null.</summary>
    public DateTimeOffset? LastFailure => Read(ref _lastFailureTicks);

    /// <summary>Records an attempt's result now.</summary>
    public void Record(bool reachable)
    {
        var now = _time.GetUtcNow().UtcTicks;
        Interlocked.Exchange(ref reachable ? ref _lastSuccessTicks : ref _lastFailureTicks, now);
        if (Interlocked.Exchange(ref _unreachable, reachable ? 0 : 1) == (reachable ? 1 : 0))
        {
            if (reachable)
                LogReachable();
            else
                LogUnreachable();
        }
    }

    private static DateTimeOffset? Read(ref long ticks)
    {
        var value = Interlocked.Read(ref ticks);
        return value == 0 ? null : new DateTimeOffset(value, TimeSpan.Zero);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Boosted is not answering this silo (transport error, timeout or 5xx): tokens already held are still served, new exchanges fail until it answers again. The silo stays ready; its health reports Degraded.")]
    private partial void LogUnreachable();

    [LoggerMessage(Level = LogLevel.Information, Message = "Boosted answers this silo again.")]
    private partial void LogReachable();
}
