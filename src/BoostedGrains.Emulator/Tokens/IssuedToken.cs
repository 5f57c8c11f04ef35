namespace BoostedGrains.Emulator.Tokens;

/// <summary>What an opaque access token stands for: the partner, the Boosted user (null for the service account) and the scopes.</summary>
internal sealed record IssuedToken(string ClientId, Guid? UserId, IReadOnlySet<string> Scopes, DateTimeOffset ExpiresAt)
{
    public bool HasScope(string scope) => Scopes.Contains(scope);
}
