namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// How many wrong API or admin keys one client address may present (configuration section
/// <c>Gateway:FailedKeyAttempts</c>), on each silo, before every request from it is answered 429 for a while.
/// </summary>
public sealed class FailedKeyAttemptsOptions
{
    /// <summary><c>Gateway__FailedKeyAttempts__Limit</c>: wrong keys one address may send at once (default 20; 0: no limit).</summary>
    public int Limit { get; set; } = 20;

    /// <summary><c>Gateway__FailedKeyAttempts__PerMinute</c>: wrong keys given back to an address each minute (default 10).</summary>
    public int PerMinute { get; set; } = 10;
}
