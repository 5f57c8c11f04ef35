namespace BoostedGrains.Tokens;

/// <summary>What a user grain persists: the Boosted identity, the profile, and the current tokens, encrypted.</summary>
/// <remarks>
/// Shaped for the common case of one scope: the first scope's token is a field of its own, and only further scopes
/// take a dictionary. State stored with every scope in <see cref="Tokens"/> still reads; a token written there moves
/// to <see cref="Token"/> the next time it is stored.
/// </remarks>
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

    /// <summary>Tokens of scopes other than <see cref="Token"/>'s, by scope, encrypted; null while there are none.</summary>
    [Id(4)] public Dictionary<string, StoredToken>? Tokens { get; set; }

    /// <summary>The token of one scope (<see cref="StoredToken.Scope"/>), encrypted: the only one for most users.</summary>
    [Id(5)] public StoredToken? Token { get; set; }

    /// <summary>The user ID this state belongs to (null in state written by earlier versions).</summary>
    [Id(6)] public string? Owner { get; set; }

    /// <summary>Which KEK sealed <see cref="Seal"/>.</summary>
    [Id(7)] public string? SealKekId { get; set; }

    /// <summary>HMAC binding <see cref="BoostedUserId"/> and <see cref="Workspace"/> to <see cref="Owner"/> (docs/security.md, "Storage identity").</summary>
    [Id(8)] public byte[]? Seal { get; set; }

    /// <summary>The stored token of <paramref name="scope"/>, if any.</summary>
    public StoredToken? FindToken(string scope) =>
        Token is { } token && token.Scope == scope ? token : Tokens?.GetValueOrDefault(scope);

    /// <summary>Stores <paramref name="token"/> as its scope's token.</summary>
    public void SetToken(StoredToken token)
    {
        var scope = token.Scope ?? throw new ArgumentException("A token to store names its scope.", nameof(token));
        if (Token is null || Token.Scope == scope)
        {
            Token = token;
            RemoveOther(scope);
        }
        else
            (Tokens ??= new Dictionary<string, StoredToken>(StringComparer.Ordinal))[scope] = token;
    }

    /// <summary>Forgets the token of <paramref name="scope"/>; false when none was stored.</summary>
    public bool RemoveToken(string scope)
    {
        if (Token is { } token && token.Scope == scope)
        {
            Token = null;
            return true;
        }
        return RemoveOther(scope);
    }

    /// <summary>Forgets every stored token; false when none was stored.</summary>
    public bool ClearTokens()
    {
        var any = Token is not null || Tokens is { Count: > 0 };
        Token = null;
        Tokens = null;
        return any;
    }

    /// <summary>Every stored token with its scope.</summary>
    public IEnumerable<(string Scope, StoredToken Token)> AllTokens()
    {
        if (Token is { Scope: { } scope } token)
            yield return (scope, token);
        foreach (var (other, stored) in Tokens ?? [])
            yield return (other, stored);
    }

    // A dictionary left with no token goes, so that a state of one scope holds none.
    private bool RemoveOther(string scope)
    {
        if (Tokens is null || !Tokens.Remove(scope))
            return false;
        if (Tokens.Count == 0)
            Tokens = null;
        return true;
    }
}
