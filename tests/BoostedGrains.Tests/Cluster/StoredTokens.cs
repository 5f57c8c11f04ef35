using BoostedGrains.Hosting;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace BoostedGrains.Tests.Cluster;

/// <summary>
/// Reads and rewrites a user grain's stored state through the cluster's own grain storage (as an attacker with write
/// access to the table would), and deactivates user grains, so that the next call activates them from storage.
/// </summary>
internal static class StoredTokens
{
    private const string StateName = "user";

    public static async Task<GrainState<UserTokenState>> ReadAsync(BoostedCluster boosted, string user)
    {
        var state = new GrainState<UserTokenState>();
        await Storage(boosted).ReadStateAsync(StateName, GrainId(boosted, user), state);
        return state;
    }

    public static Task WriteAsync(BoostedCluster boosted, string user, GrainState<UserTokenState> state) =>
        Storage(boosted).WriteStateAsync(StateName, GrainId(boosted, user), state);

    /// <summary>Deactivates every user grain of the cluster and waits until none is active.</summary>
    public static async Task DeactivateAllAsync(BoostedCluster boosted)
    {
        // Orleans' management grain answers callers inside the silos only.
        var management = boosted.SiloGrains.GetGrain<IManagementGrain>(0);
        await Eventually.TrueAsync(async () =>
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            var statistics = await management.GetSimpleGrainStatistics();
            return statistics.Where(s => s.GrainType.Contains(nameof(UserTokenGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount) == 0;
        }, "every user grain deactivated");
    }

    private static GrainId GrainId(BoostedCluster boosted, string user) => boosted.Client.GetUserTokenGrain(user).GetGrainId();

    private static IGrainStorage Storage(BoostedCluster boosted) =>
        boosted.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
}
