namespace BoostedGrains.Emulator;

/// <summary>Faults the emulator injects so that clients can be tested against a misbehaving Boosted.</summary>
public sealed class EmulatorFaults
{
    /// <summary>Delay added before every API request is answered, in milliseconds.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Share (0 to 1) of token requests answered 503.</summary>
    public double ErrorRate { get; set; }

    /// <summary>Token requests per second above which requests get 429 with <c>Retry-After</c>; null means unlimited.</summary>
    public double? RateLimitPerSecond { get; set; }

    /// <summary>When true, every token and account-management request is answered 503.</summary>
    public bool Outage { get; set; }
}
