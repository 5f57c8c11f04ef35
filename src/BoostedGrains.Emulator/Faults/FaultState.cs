using BoostedGrains.Emulator.Hosting;

namespace BoostedGrains.Emulator.Faults;

/// <summary>The faults in force; replaced atomically at runtime through the admin endpoint or the server API.</summary>
internal sealed class FaultState
{
    private readonly TimeProvider _time;
    private readonly Lock _bucketLock = new();
    private volatile EmulatorFaults _faults;
    private double _tokens;
    private long _lastRefill;

    public FaultState(EmulatorOptions options, EmulatorClock clock)
    {
        _time = clock.Time;
        _faults = Copy(options.Faults);
        ResetBucket();
    }

    public EmulatorFaults Current => Copy(_faults);

    public void Set(EmulatorFaults faults)
    {
        var error = Validate(faults, "faults");
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(faults));
        }

        lock (_bucketLock)
        {
            _faults = Copy(faults);
            ResetBucket();
        }
    }

    public TimeSpan Latency => TimeSpan.FromMilliseconds(_faults.LatencyMs);

    public bool Outage => _faults.Outage;

    /// <summary>Draws whether this token request fails with 503; ErrorRate 0 never does and 1 always does.</summary>
    public bool ShouldFail()
    {
        var rate = _faults.ErrorRate;
        return rate > 0 && Random.Shared.NextDouble() < rate;
    }

    /// <summary>Takes one token from the bucket, or returns how many whole seconds the caller should wait.</summary>
    public int? TryAcquire()
    {
        lock (_bucketLock)
        {
            var limit = _faults.RateLimitPerSecond;
            if (limit is null)
            {
                return null;
            }

            // A token bucket holding one second's worth keeps the long-run rate at the limit while allowing a small burst.
            var capacity = Math.Max(1.0, limit.Value);
            var now = _time.GetTimestamp();
            _tokens = Math.Min(capacity, _tokens + (_time.GetElapsedTime(_lastRefill, now).TotalSeconds * limit.Value));
            _lastRefill = now;
            if (_tokens >= 1.0)
            {
                _tokens -= 1.0;
                return null;
            }

            return Math.Max(1, (int)Math.Ceiling((1.0 - _tokens) / limit.Value));
        }
    }

    /// <summary>Returns why a fault setting is invalid, naming it under <paramref name="prefix"/>, or null.</summary>
    public static string? Validate(EmulatorFaults faults, string prefix)
    {
        if (faults.LatencyMs is < 0 or > 600_000)
        {
            return $"{prefix}:LatencyMs must be between 0 and 600000.";
        }

        if (double.IsNaN(faults.ErrorRate) || faults.ErrorRate is < 0 or > 1)
        {
            return $"{prefix}:ErrorRate must be between 0 and 1.";
        }

        if (faults.RateLimitPerSecond is { } limit && (double.IsNaN(limit) || limit <= 0))
        {
            return $"{prefix}:RateLimitPerSecond must be greater than 0 (leave it unset for no limit).";
        }

        return null;
    }

    private void ResetBucket()
    {
        _tokens = Math.Max(1.0, _faults.RateLimitPerSecond ?? 1.0);
        _lastRefill = _time.GetTimestamp();
    }

    private static EmulatorFaults Copy(EmulatorFaults f) => new()
    {
        LatencyMs = f.LatencyMs,
        ErrorRate = f.ErrorRate,
        RateLimitPerSecond = f.RateLimitPerSecond,
        Outage = f.Outage,
    };
}
