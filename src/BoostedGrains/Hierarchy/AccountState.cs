namespace BoostedGrains.Hierarchy;

/// <summary>What an account (workspace) grain persists.</summary>
[GenerateSerializer]
public sealed class AccountState
{
    /// <summary>Boosted's <c>workspace_id</c>, once created or adopted.</summary>
    [Id(0)] public string? WorkspaceId { get; set; }

    /// <summary>Boosted's <c>org_id</c> of the organization the workspace lives in.</summary>
    [Id(1)] public string? OrgId { get; set; }
}
