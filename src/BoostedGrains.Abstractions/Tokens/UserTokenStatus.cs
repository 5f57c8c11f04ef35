namespace BoostedGrains.Tokens;

/// <summary>A user's state as operators see it, with the profile Boosted was given (email and name). It never carries the token.</summary>
[GenerateSerializer, Immutable]
public sealed record UserTokenStatus(
    [property: Id(0)] string UserId,
    [property: Id(1)] bool Provisioned,
    [property: Id(2)] string? BoostedUserId,
    [property: Id(3)] string? Workspace,
    [property: Id(4)] DateTimeOffset? ExpiresAt,
    [property: Id(5)] DateTimeOffset? LastRenewal,
    [property: Id(6)] string? LastError,
    [property: Id(7)] string? Email = null,
    [property: Id(8)] string? Name = null);
