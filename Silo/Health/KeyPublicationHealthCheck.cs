using BoostedGrains.Keys;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BoostedGrains.Silo.Health;

/// <summary>
/// Degraded while a key is due to sign but <c>Jwks__PublicUrl</c> has not served it long enough: the cluster still
/// signs with the current key, so this never makes the silo unready; it tells operators a rotation is held back.
/// </summary>
public sealed class KeyPublicationHealthCheck(PublicUrlVerifier verifier) : IHealthCheck
{
    /// <summary>The tag of this check.</summary>
    public const string Tag = "key-publication";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var awaiting = verifier.AwaitingPublicUrl;
        if (awaiting.Count == 0)
            return Task.FromResult(HealthCheckResult.Healthy());
        return Task.FromResult(HealthCheckResult.Degraded(
            $"Signing key {string.Join(", ", awaiting.Select(k => k.Kid))} is due but {verifier.PublicUrl} has not served it long enough; "
            + "the current key keeps signing. See docs/keys.md."));
    }
}
