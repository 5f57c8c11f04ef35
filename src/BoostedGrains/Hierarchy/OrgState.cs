namespace BoostedGrains.Hierarchy;

/// <summary>What an organization grain persists.</summary>
[GenerateSerializer]
public sealed class OrgState
{
    /// <summary>Boosted's <c>org_id</c>, once created or adopted.</summary>
    [Id(0)] public string? OrgId { get; set; }
}
