namespace BoostedGrains.Hierarchy;

/// <summary>A workspace as Boosted knows it.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkspaceInfo(
    [property: Id(0)] string ExternalId,
    [property: Id(1)] string WorkspaceId,
    [property: Id(2)] string OrgId);
