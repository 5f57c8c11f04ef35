namespace BoostedGrains.Emulator;

/// <summary>Faults the emulator injects so that clients can be tested against a misbehaving Boosted.</summary>
public sealed class EmulatorFaults
{
    /// <summary>Delay added before every API request is answered, in milliseconds.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Share (0 to 1) of token requests answered 503.</summary>
    public double ErrorRate { get; set; }

    /// <summary>
    /// Token requests per second above which requests get 429 (with <c>Retry-After</c> unless <see cref="SendRetryAfter"/>
    /// is false); null means unlimited. Only token requests count: account-management calls are not limited.
    /// </summary>
    public double? RateLimitPerSecond { get; set; }

    /// <summary>How requests are counted against <see cref="RateLimitPerSecond"/>.</summary>
    public EmulatorRateLimitShape RateLimitShape { get; set; }

    /// <summary>The token bucket's capacity (<see cref="EmulatorRateLimitShape.TokenBucket"/> only); null means one second's worth.</summary>
    public double? RateLimitBurst { get; set; }

    /// <summary>Token requests in flight (being answered, latency included) above which a request gets 429; null means no cap.</summary>
    public int? MaxConcurrentTokenRequests { get; set; }

    /// <summary>Whether a 429 carries <c>Retry-After</c> (whole seconds until a request would be accepted).</summary>
    public bool SendRetryAfter { get; set; } = true;

    /// <summary>When true, every token and account-management request is answered 503.</summary>
    public bool Outage { get; set; }
}
