namespace BoostedGrains.Silo.Health;

/// <summary>Readiness settings (configuration section <c>Health</c>).</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>
    /// <c>Health__BoostedWindow</c>: after a failed call, Boosted still counts as reachable if a call succeeded within this
    /// time; past it, the health report says Degraded and probes the token endpoint, at most once per window (default 10 s).
    /// </summary>
    public TimeSpan BoostedWindow { get; set; } = TimeSpan.FromSeconds(10);
}
