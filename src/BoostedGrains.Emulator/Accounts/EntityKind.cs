namespace BoostedGrains.Emulator.Accounts;

/// <summary>Describes one level of the Organization → Workspace → User hierarchy: its JSON names, parent and plain fields.</summary>
internal sealed class EntityKind(
    string Name,
    string Title,
    string IdField,
    string ExternalField,
    EntityKind? Parent,
    IReadOnlyList<string> Fields)
{
    public string Name { get; } = Name;

    public string Title { get; } = Title;

    public string IdField { get; } = IdField;

    public string ExternalField { get; } = ExternalField;

    public EntityKind? Parent { get; } = Parent;

    public IReadOnlyList<string> Fields { get; } = Fields;

    public static readonly EntityKind Org = new("org", "Organization", "org_id", "external_org_id", null,
        ["name", "email", "phone_number", "support_email", "org_type"]);

    public static readonly EntityKind Workspace = new("workspace", "Workspace", "workspace_id", "external_workspace_id", Org, ["name"]);

    public static readonly EntityKind User = new("user", "User", "user_id", "external_user_id", Workspace, ["email", "name"]);

    /// <summary>Fields validated as e-mail addresses.</summary>
    public static bool IsEmail(string field) => field is "email" or "support_email";
}
