using BoostedGrains.Keys;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace BoostedGrains.Silo.Health;

/// <summary>
/// Ready when this silo has joined the cluster and holds a key it can sign with, read from the ring recently enough
/// that a revocation or rotation has reached it (within <see cref="StaleAfterRefreshes"/> refresh intervals).
/// </summary>
public sealed class SiloReadyHealthCheck(ISiloStatusOracle membership, SigningKeyCache keys, IOptions<KeyRingOptions> keyRing) : IHealthCheck
{
    /// <summary>Refresh intervals without a successful read of the ring after which the copy counts as stale.</summary>
    public const int StaleAfterRefreshes = 5;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (membership.CurrentStatus != SiloStatus.Active)
            return Task.FromResult(HealthCheckResult.Unhealthy($"The silo has not joined the cluster (status {membership.CurrentStatus})."));
        if (keys.SinceLoaded is not { } age)
            return Task.FromResult(HealthCheckResult.Unhealthy("The key ring has not been loaded yet."));
        if (keys.CannotDecryptSigner)
            return Task.FromResult(HealthCheckResult.Unhealthy("The signing key cannot be decrypted with this silo's KEK: check KeyRing__Kek__Id and KeyRing__Kek__Key."));
        var staleAfter = keyRing.Value.RefreshInterval * StaleAfterRefreshes;
        if (age > staleAfter)
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"The key ring was last read {age.TotalSeconds:0} s ago (more than {StaleAfterRefreshes} × KeyRing__RefreshInterval): a revocation may not have reached this silo; see the log for why refreshes fail."));
        return Task.FromResult(HealthCheckResult.Healthy());
    }
}
