using BoostedGrains.Client;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace BoostedGrains.Silo.Gateway;

/// <summary>The token API's <see cref="SiloLossRetry"/>: it waits on this silo's own view of membership.</summary>
public static class TokenApiRetry
{
    /// <summary>
    /// Registers the retry. Its wait ends once a silo that was active when the call started no longer is; it is bounded
    /// by the time membership needs to declare a killed silo dead (probe timeout × missed probes, plus one probe timeout
    /// for the votes: 6 s with the defaults, against 1.3–3.8 s measured).
    /// </summary>
    public static IServiceCollection AddTokenApiRetry(this IServiceCollection services) =>
        services.AddSingleton(provider =>
        {
            var membership = provider.GetRequiredService<IClusterMembershipService>();
            var options = provider.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
            // The snapshot is the call's mark (no allocation); the wait on membership updates is built only for a retry.
            return new SiloLossRetry(() => membership.CurrentSnapshot,
                (before, cancel) => MovedOnAsync(membership, (ClusterMembershipSnapshot)before!, cancel),
                options.ProbeTimeout * (options.NumMissedProbesLimit + 1));
        });

    private static async Task MovedOnAsync(IClusterMembershipService membership, ClusterMembershipSnapshot before, CancellationToken cancel)
    {
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancel))
        {
            if (before.Members.Values.Any(m => m.Status == SiloStatus.Active && snapshot.GetSiloStatus(m.SiloAddress) != SiloStatus.Active))
                return;
        }
    }
}
