namespace BoostedGrains.Hierarchy;

/// <summary>What an account (workspace) grain persists.</summary>
[GenerateSerializer]
public sealed class AccountState
{
    /// <summary>Boosted's <c>workspace_id</c>, once created or adopted.</summary>
    [Id(0)] public string? WorkspaceId { get; set; }

    /// <summary>Boosted's <c>org_id</c> of the organization the workspace lives in.</summary>
    [Id(1)] public string? OrgId { get; set; }

    /// <summary>The workspace ID this state belongs to (null in state written by earlier versions).</summary>
    [Id(2)] public string? Owner { get; set; }

    /// <summary>Which KEK sealed <see cref="Seal"/>.</summary>
    [Id(3)] public string? SealKekId { get; set; }

    /// <summary>HMAC binding <see cref="WorkspaceId"/> and <see cref="OrgId"/> to <see cref="Owner"/> (docs/security.md, "Storage identity").</summary>
    [Id(4)] public byte[]? Seal { get; set; }
}
