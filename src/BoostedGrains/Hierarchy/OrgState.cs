namespace BoostedGrains.Hierarchy;

/// <summary>What an organization grain persists.</summary>
[GenerateSerializer]
public sealed class OrgState
{
    /// <summary>Boosted's <c>org_id</c>, once created or adopted.</summary>
    [Id(0)] public string? OrgId { get; set; }

    /// <summary>The organization ID this state belongs to (null in state written by earlier versions).</summary>
    [Id(1)] public string? Owner { get; set; }

    /// <summary>Which KEK sealed <see cref="Seal"/>.</summary>
    [Id(2)] public string? SealKekId { get; set; }

    /// <summary>HMAC binding <see cref="OrgId"/> to <see cref="Owner"/> (docs/security.md, "Storage identity").</summary>
    [Id(3)] public byte[]? Seal { get; set; }
}
