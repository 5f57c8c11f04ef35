namespace BoostedGrains.Tokens;

/// <summary>What a user grain persists: the Boosted identity, the profile, and the current tokens, encrypted.</summary>
[GenerateSerializer]
public sealed class UserTokenState
{
    /// <summary>The <c>user_id</c> Boosted gave the user, once provisioned.</summary>
    [Id(0)] public string? BoostedUserId { get; set; }

    /// <summary>The partner's external ID of the user's workspace.</summary>
    [Id(1)] public string? Workspace { get; set; }

    // [Id(2)] held the workspace_id, which the workspace's own grain keeps: not to be reused.

    /// <summary>The profile to create the user with.</summary>
    [Id(3)] public UserProfile? Profile { get; set; }

    /// <summary>The current token per scope, encrypted (empty when <c>Tokens__Persist</c> is false).</summary>
    [Id(4)] public Dictionary<string, StoredToken> Tokens { get; set; } = new(StringComparer.Ordinal);
}
