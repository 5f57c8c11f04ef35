using BoostedGrains.Security;

namespace BoostedGrains.Tokens;

/// <summary>
/// The service-account token for one scope set (key: the space-delimited scopes, e.g. <c>account-management</c>).
/// One exchange at a time cluster-wide; not persisted. The token never leaves the silos.
/// </summary>
[SiloCallersOnly]
public interface IManagementTokenGrain : IGrainWithStringKey
{
    /// <summary>The key of the token that account management uses.</summary>
    public const string AccountManagement = "account-management";

    /// <summary>A valid token for the grain's scopes, exchanged with <c>sub</c> = <c>Boosted__ClientId</c> when needed.</summary>
    Task<AccessToken> GetTokenAsync();

    /// <summary>Boosted answered 401 to the token with this SHA-256 (hex): renew if it is still the current one.</summary>
    Task ReportRejectedTokenAsync(string accessTokenSha256);
}
