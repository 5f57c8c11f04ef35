namespace BoostedGrains.Tokens;

/// <summary>What Boosted is told about a user when it is created. All optional.</summary>
/// <param name="Email">The user's email address.</param>
/// <param name="Name">The user's display name.</param>
/// <param name="Workspace">The partner's external workspace ID; unset means <c>Boosted__DefaultWorkspace__ExternalId</c>.</param>
[GenerateSerializer, Immutable]
public sealed record UserProfile(
    [property: Id(0)] string? Email = null,
    [property: Id(1)] string? Name = null,
    [property: Id(2)] string? Workspace = null);
