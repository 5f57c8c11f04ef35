using BoostedGrains.Security;

namespace BoostedGrains.Tokens;

/// <summary>
/// Operator actions on a user grain (the same activation as <see cref="IUserTokenGrain"/>). App servers reference the
/// Abstractions, which do not carry it.
/// </summary>
public interface IUserTokenAdminGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the user in Boosted (create, or adopt on 409) without exchanging a token; <paramref name="profile"/> is used
    /// only if the user is not provisioned yet. True when the user was provisioned by this call, false when it already was.
    /// Open to Orleans clients (the onboarding command is one): it does no more than a client's first token request.
    /// </summary>
    Task<bool> OnboardAsync(UserProfile? profile);

    /// <summary>Forgets the user's Boosted identity and tokens and provisions it again (create, or adopt on 409). Silo callers only.</summary>
    [SiloCallersOnly]
    Task<UserTokenStatus> ReprovisionAsync();
}
