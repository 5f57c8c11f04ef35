using BoostedGrains.Tokens;

namespace BoostedGrains.Client;

/// <summary>Boosted access tokens for the partner's users, from the BoostedGrains cluster.</summary>
public interface IBoostedTokenProvider
{
    /// <summary>A valid access token for <paramref name="userId"/>; the user is created in Boosted on first use.</summary>
    Task<AccessToken> GetTokenAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Boosted answered 401 to <paramref name="token"/>: the cluster renews it once, however many callers report it.</summary>
    Task ReportRejectedAsync(string userId, AccessToken token, CancellationToken cancellationToken = default);
}
