using BoostedGrains.Tokens;

namespace BoostedGrains.Client;

/// <summary>
/// Asks the user's grain on every call: the grain is the cache (one exchange cluster-wide, renewed ahead of expiry), so
/// a local copy here would only add a second expiry to get wrong.
/// </summary>
public sealed class ClusterBoostedTokenProvider(IGrainFactory grains) : IBoostedTokenProvider
{
    /// <inheritdoc />
    public Task<AccessToken> GetTokenAsync(string userId, CancellationToken cancellationToken = default) =>
        grains.GetUserTokenGrain(userId).GetAccessTokenAsync().WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task ReportRejectedAsync(string userId, AccessToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return grains.GetUserTokenGrain(userId).ReportRejectedTokenAsync(token.Sha256).WaitAsync(cancellationToken);
    }
}
