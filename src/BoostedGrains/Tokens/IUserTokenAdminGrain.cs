namespace BoostedGrains.Tokens;

/// <summary>
/// Operator actions on a user grain (the same activation as <see cref="IUserTokenGrain"/>). Silo-side only: app servers
/// reference the Abstractions, which do not carry it.
/// </summary>
public interface IUserTokenAdminGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the user in Boosted (create, or adopt on 409) without exchanging a token; <paramref name="profile"/> is used
    /// only if the user is not provisioned yet. True when the user was provisioned by this call, false when it already was.
    /// </summary>
    Task<bool> OnboardAsync(UserProfile? profile);

    /// <summary>Forgets the user's Boosted identity and tokens and provisions it again (create, or adopt on 409).</summary>
    Task<UserTokenStatus> ReprovisionAsync();
}
