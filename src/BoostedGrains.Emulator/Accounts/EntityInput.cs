namespace BoostedGrains.Emulator.Accounts;

/// <summary>Validated fields of a create or patch body; a null member means "absent or null" (left unchanged by PATCH).</summary>
internal sealed class EntityInput
{
    public Guid? ParentId { get; set; }

    public string? ExternalId { get; set; }

    public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);

    public List<string>? Entitlements { get; set; }
}
