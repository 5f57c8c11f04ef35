using BoostedGrains.Emulator.Hosting;

namespace BoostedGrains.Emulator.Faults;

/// <summary>The faults in force; replaced atomically at runtime through the admin endpoint or the server API.</summary>
internal sealed class FaultState
{
    private readonly TimeProvider _time;
    private readonly Lock _bucketLock = new();
    private volatile EmulatorFaults _faults;
    private readonly Queue<long> _accepted = new();
    private double _tokens;
    private long _lastRefill;
    private long _window = -1;
    private int _inWindow;
    private int _inFlight;

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
            // A new limit on an active limiter keeps what it has counted (a limit that changes mid-storm does not
            // refill anything); a limiter that starts or changes shape starts full.
            var continues = _faults.RateLimitPerSecond is not null && faults.RateLimitPerSecond is not null
                && _faults.RateLimitShape == faults.RateLimitShape;
            _faults = Copy(faults);
            if (continues)
                _tokens = Math.Min(_tokens, Capacity(_faults));
            else
                ResetBucket();
        }
    }

    /// <summary>Whether a 429 names its <c>Retry-After</c>.</summary>
    public bool SendRetryAfter => _faults.SendRetryAfter;

    /// <summary>Counts a token request in flight; false (and not counted) when the concurrency cap is reached.</summary>
    public bool TryEnter()
    {
        var cap = _faults.MaxConcurrentTokenRequests;
        if (Interlocked.Increment(ref _inFlight) <= (cap ?? int.MaxValue))
            return true;
        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    /// <summary>A token request counted by <see cref="TryEnter"/> was answered.</summary>
    public void Exit() => Interlocked.Decrement(ref _inFlight);

    public TimeSpan Latency => TimeSpan.FromMilliseconds(_faults.LatencyMs);

    public bool Outage => _faults.Outage;

    /// <summary>Draws whether this token request fails with 503; ErrorRate 0 never does and 1 always does.</summary>
    public bool ShouldFail()
    {
        var rate = _faults.ErrorRate;
        return rate > 0 && Random.Shared.NextDouble() < rate;
    }

    /// <summary>Counts one token request against the limit, or returns how many whole seconds the caller should wait.</summary>
    public int? TryAcquire()
    {
        lock (_bucketLock)
        {
            var limit = _faults.RateLimitPerSecond;
            if (limit is null)
            {
                return null;
            }

            return _faults.RateLimitShape switch
            {
                EmulatorRateLimitShape.FixedWindow => FixedWindow(limit.Value),
                EmulatorRateLimitShape.SlidingWindow => SlidingWindow(limit.Value),
                _ => TokenBucket(limit.Value),
            };
        }
    }

    // The stand-in's limiter: a count per whole second of the wall clock, so the window is the same for every client.
    private int? FixedWindow(double limit)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var window = now / 1000;
        if (window != _window)
        {
            _window = window;
            _inWindow = 0;
        }

        if (_inWindow < PerSecond(limit))
        {
            _inWindow++;
            return null;
        }

        return 1;
    }

    private int? SlidingWindow(double limit)
    {
        var now = _time.GetTimestamp();
        while (_accepted.Count > 0 && _time.GetElapsedTime(_accepted.Peek(), now) >= TimeSpan.FromSeconds(1))
        {
            _accepted.Dequeue();
        }

        if (_accepted.Count < PerSecond(limit))
        {
            _accepted.Enqueue(now);
            return null;
        }

        var free = TimeSpan.FromSeconds(1) - _time.GetElapsedTime(_accepted.Peek(), now);
        return Math.Max(1, (int)Math.Ceiling(free.TotalSeconds));
    }

    // A token bucket holding RateLimitBurst (by default one second's worth) keeps the long-run rate at the limit while
    // allowing that burst.
    private int? TokenBucket(double limit)
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(Capacity(_faults), _tokens + (_time.GetElapsedTime(_lastRefill, now).TotalSeconds * limit));
        _lastRefill = now;
        if (_tokens >= 1.0)
        {
            _tokens -= 1.0;
            return null;
        }

        return Math.Max(1, (int)Math.Ceiling((1.0 - _tokens) / limit));
    }

    private static int PerSecond(double limit) => Math.Max(1, (int)Math.Floor(limit));

    private static double Capacity(EmulatorFaults faults) => faults.RateLimitBurst ?? Math.Max(1.0, faults.RateLimitPerSecond ?? 1.0);

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

        if (faults.RateLimitBurst is { } burst && (double.IsNaN(burst) || burst < 1))
        {
            return $"{prefix}:RateLimitBurst must be at least 1 (leave it unset for one second's worth).";
        }

        if (faults.MaxConcurrentTokenRequests is < 1)
        {
            return $"{prefix}:MaxConcurrentTokenRequests must be at least 1 (leave it unset for no cap).";
        }

        if (!Enum.IsDefined(faults.RateLimitShape))
        {
            return $"{prefix}:RateLimitShape must be TokenBucket, FixedWindow or SlidingWindow.";
        }

        return null;
    }

    private void ResetBucket()
    {
        _tokens = Capacity(_faults);
        _lastRefill = _time.GetTimestamp();
        _window = -1;
        _inWindow = 0;
        _accepted.Clear();
    }

    private static EmulatorFaults Copy(EmulatorFaults f) => new()
    {
        LatencyMs = f.LatencyMs,
        ErrorRate = f.ErrorRate,
        RateLimitPerSecond = f.RateLimitPerSecond,
        RateLimitShape = f.RateLimitShape,
        RateLimitBurst = f.RateLimitBurst,
        MaxConcurrentTokenRequests = f.MaxConcurrentTokenRequests,
        SendRetryAfter = f.SendRetryAfter,
        Outage = f.Outage,
    };
}
