namespace BoostedGrains.Boosted;

/// <summary>
/// Paces the requests one silo sends to one Boosted API, at a rate found by AIMD because Boosted does not publish its
/// limits. It starts at <see cref="InitialRate"/> and grows by one request a second per good answer (doubling each
/// second while every permit is used) until Boosted first answers 429 (slow start); from then on it grows additively,
/// by a step per second of good answers, and each 429 cuts it by a fifth; the first 429 cuts it to four fifths of what
/// Boosted accepted over the last second. The step starts at a tenth of the rate it was cut to (at least one request
/// a second) and doubles with each further second without a 429 (up to half the rate), so a silo whose share of
/// Boosted's limit grew (another silo went quiet) finds it within seconds, while one next to the limit creeps up to it.
/// It never grows past twice what is used (an idle silo does not build up a rate it never tried), nor past the optional
/// ceiling. Once it has grown by a tenth since the waiting permits were spaced, they are spaced again at the new rate:
/// a queue reserved at the old rate would otherwise keep the old pace for as long as it takes to drain.
/// </summary>
/// <remarks>
/// System.Threading.RateLimiting's token bucket takes its rate once, at construction, and cannot be retuned while
/// callers wait on it; this pacer is a reservation clock: each permit is the next free instant, one interval apart. A
/// cut voids the permits reserved at the old rate (their holders reserve again) and restarts the clock from now.
/// </remarks>
internal sealed class AdaptiveRate
{
    /// <summary>The rate before any answer was seen, in requests per second.</summary>
    public const double InitialRate = 20;

    /// <summary>The rate is never cut below this, so that Boosted is still asked and the rate can grow again.</summary>
    public const double MinimumRate = 1;

    private const double Decrease = 0.8;
    private const double StepShare = 0.1;
    private const double MinimumStep = 1;
    private const double Respace = 1.1;

    private readonly TimeProvider _time;
    private readonly double _ceiling;
    private readonly long _origin;
    private readonly Lock _lock = new();
    private double _rate;
    private double _step;
    private bool _slowStart = true;
    private double _nextFree;
    private long _generation;
    private CancellationTokenSource _schedule = new();
    private double _scheduleRate;
    private long _second;
    private long _cutSecond;
    private int _acceptedThisSecond;
    private int _acceptedLastSecond;

    public AdaptiveRate(TimeProvider time, double? ceiling)
    {
        _time = time;
        _ceiling = ceiling ?? double.PositiveInfinity;
        _origin = time.GetTimestamp();
        _rate = Math.Min(InitialRate, _ceiling);
        _scheduleRate = _rate;
    }

    /// <summary>The current rate, in requests per second (for the metric).</summary>
    public double Rate
    {
        get
        {
            lock (_lock)
                return _rate;
        }
    }

    /// <summary>
    /// Reserves the next send instant, <paramref name="notBefore"/> from now at the earliest: returns how long to wait for
    /// it, the rate's generation (for <see cref="Limited"/>), and a token cancelled when the schedule is made anew (a cut,
    /// or a rate grown well past the one the permit was spaced at; reserve again).
    /// </summary>
    public (TimeSpan Wait, long Generation, CancellationToken Voided) Reserve(TimeSpan notBefore = default)
    {
        lock (_lock)
        {
            var now = Now();
            var at = Math.Max(now + notBefore.TotalSeconds, _nextFree);
            _nextFree = at + 1 / _rate;
            return (TimeSpan.FromSeconds(at - now), _generation, _schedule.Token);
        }
    }

    /// <summary>Boosted accepted a request (any answer but 429, 408 and 5xx).</summary>
    public void Accepted()
    {
        CancellationTokenSource? voided = null;
        lock (_lock)
        {
            Roll();
            _acceptedThisSecond++;
            if (_rate >= 2 * Math.Max(_acceptedLastSecond, _acceptedThisSecond) + InitialRate)
                return;
            _rate = Math.Min(_ceiling, _rate + (_slowStart ? 1 : _step / _rate));
            // One interval from now: a permit of the old schedule may have been due just now.
            if (_rate >= Respace * _scheduleRate)
                voided = NewSchedule(Now() + 1 / _rate);
        }
        voided?.Cancel();
    }

    /// <summary>
    /// Boosted answered 429 to a request reserved in <paramref name="generation"/>. Only the first 429 to a request
    /// reserved since the last cut cuts again: the others were sent at the old rate.
    /// </summary>
    public void Limited(long generation)
    {
        CancellationTokenSource voided;
        lock (_lock)
        {
            Roll();
            if (generation != _generation)
                return;
            _generation++;
            voided = NewSchedule(Now());
            // Leaving slow start, the rate may be far above the limit, and what Boosted accepted over the last second is
            // the better guess; later, that count is skewed by the Retry-After pauses, and the rate itself is cut.
            var from = _slowStart ? Math.Clamp(Math.Max(_acceptedLastSecond, _acceptedThisSecond), _rate / 2, _rate) : _rate;
            _rate = Math.Max(MinimumRate, Decrease * from);
            _step = Math.Max(MinimumStep, StepShare * _rate);
            _scheduleRate = _rate;
            _cutSecond = _second;
            _slowStart = false;
        }
        // Outside the lock: the waiters it wakes reserve again.
        voided.Cancel();
    }

    private double Now() => _time.GetElapsedTime(_origin).TotalSeconds;

    // The permits reserved so far are void: their holders reserve again, from start on, at the rate as it is. Returns the
    // old schedule's source, to cancel outside the lock (the waiters it wakes reserve again).
    private CancellationTokenSource NewSchedule(double start)
    {
        var voided = _schedule;
        _schedule = new CancellationTokenSource();
        _nextFree = start;
        _scheduleRate = _rate;
        return voided;
    }

    // Two one-second buckets: enough to tell what Boosted accepted lately without keeping every answer. A second that
    // ends with good answers and no cut doubles the additive step.
    private void Roll()
    {
        var second = (long)Now();
        if (second != _second)
        {
            if (!_slowStart && _second > _cutSecond && _acceptedThisSecond > 0)
                _step = Math.Max(MinimumStep, Math.Min(2 * _step, _rate / 2));
            _acceptedLastSecond = second == _second + 1 ? _acceptedThisSecond : 0;
            _acceptedThisSecond = 0;
            _second = second;
        }
    }
}
