namespace BoostedGrains.Keys;

/// <summary>The operator's view of one key: its timeline and status, public data only.</summary>
[GenerateSerializer, Immutable]
public sealed record KeyInfo(
    [property: Id(0)] string Kid,
    [property: Id(1)] KeyAlgorithm Algorithm,
    [property: Id(2)] KeyStatus Status,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset EligibleAt,
    [property: Id(5)] DateTimeOffset RetiresAt,
    [property: Id(6)] DateTimeOffset RemovesAt,
    [property: Id(7)] DateTimeOffset? RevokedAt,
    [property: Id(8)] DateTimeOffset? PubliclySeenAt);
