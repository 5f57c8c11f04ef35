using BoostedGrains.Keys;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace BoostedGrains.Silo.Health;

/// <summary>Ready when this silo has joined the cluster and holds a key it can sign with.</summary>
public sealed class SiloReadyHealthCheck(ISiloStatusOracle membership, SigningKeyCache keys) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (membership.CurrentStatus != SiloStatus.Active)
            return Task.FromResult(HealthCheckResult.Unhealthy($"The silo has not joined the cluster (status {membership.CurrentStatus})."));
        if (!keys.IsLoaded)
            return Task.FromResult(HealthCheckResult.Unhealthy("The key ring has not been loaded yet."));
        if (keys.CannotDecryptSigner)
            return Task.FromResult(HealthCheckResult.Unhealthy("The signing key cannot be decrypted with this silo's KEK: check KeyRing__Kek__Id and KeyRing__Kek__Key."));
        return Task.FromResult(HealthCheckResult.Healthy());
    }
}
