namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// The token API's per-key token bucket (configuration section <c>Gateway:RateLimit</c>), on each silo. The defaults
/// sit above what one silo serves (docs/security.md has the figures), so they stop a runaway caller, not normal traffic.
/// </summary>
public sealed class TokenApiRateLimitOptions
{
    /// <summary><c>Gateway__RateLimit__Enabled</c>: limit each API key (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>Gateway__RateLimit__TokenLimit</c>: the bucket's size, the burst one key may send at once (default 100,000).</summary>
    public int TokenLimit { get; set; } = 100_000;

    /// <summary><c>Gateway__RateLimit__TokensPerPeriod</c>: requests added back each period (default 100,000).</summary>
    public int TokensPerPeriod { get; set; } = 100_000;

    /// <summary><c>Gateway__RateLimit__ReplenishmentPeriod</c>: how often the bucket is refilled (default 1 s).</summary>
    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);
}
