using BoostedGrains.Tokens;

namespace BoostedGrains.Client;

/// <summary>
/// Asks the user's grain on every call: the grain is the cache (one exchange cluster-wide, renewed ahead of expiry), so
/// a local copy here would only add a second expiry to get wrong. A call whose silo was just lost is retried once
/// (<see cref="SiloLossRetry"/>).
/// </summary>
public sealed class ClusterBoostedTokenProvider(IGrainFactory grains, SiloLossRetry retry) : IBoostedTokenProvider
{
    /// <inheritdoc />
    public Task<AccessToken> GetTokenAsync(string userId, CancellationToken cancellationToken = default) =>
        retry.ExecuteAsync(static s => s.grains.GetUserTokenGrain(s.userId).GetAccessTokenAsync(), (grains, userId), cancellationToken);

    /// <inheritdoc />
    public Task ReportRejectedAsync(string userId, AccessToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return retry.ExecuteAsync(() => grains.GetUserTokenGrain(userId).ReportRejectedTokenAsync(token.Sha256), cancellationToken);
    }
}
