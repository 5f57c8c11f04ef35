namespace BoostedGrains.Tokens;

/// <summary>
/// One end user of the partner (key: the partner's user ID). Holds the user's Boosted access token and makes sure
/// that, cluster-wide, at most one exchange per scope is in flight for the user.
/// </summary>
/// <remarks>Get a reference with <see cref="UserTokenGrainFactoryExtensions.GetUserTokenGrain"/>, which validates the ID.</remarks>
public interface IUserTokenGrain : IGrainWithStringKey
{
    /// <summary>A valid access token with the configured user scope (<c>Boosted__UserScope</c>), provisioning the user first if needed.</summary>
    Task<AccessToken> GetAccessTokenAsync();

    /// <summary>A valid access token for the given scope, provisioning the user first if needed.</summary>
    Task<AccessToken> GetAccessTokenAsync(string scope);

    /// <summary>
    /// Boosted answered 401 to a token of this user: renew, but only if the token with this SHA-256 (hex) is still the
    /// current one, so that many reports of the same token cause one exchange.
    /// </summary>
    Task ReportRejectedTokenAsync(string accessTokenSha256);

    /// <summary>
    /// Sets the profile the user is created in Boosted with. Once provisioned, a changed email or name is sent to Boosted;
    /// another workspace is refused (<see cref="Errors.InvalidUserProfileException"/>), since Boosted does not move users.
    /// </summary>
    Task SetProfileAsync(UserProfile profile);

    /// <summary>Where the user stands, without the token itself.</summary>
    Task<UserTokenStatus> GetStatusAsync();
}
