using System.Text.Json.Nodes;

namespace BoostedGrains.Emulator.Accounts;

/// <summary>An organization, workspace or user, owned by one partner. Mutated only under the store's lock.</summary>
internal sealed class AccountEntity(EntityKind kind, Guid id, string clientId, Guid? parentId)
{
    public EntityKind Kind { get; } = kind;

    public Guid Id { get; } = id;

    public string ClientId { get; } = clientId;

    public Guid? ParentId { get; } = parentId;

    public string? ExternalId { get; set; }

    public Dictionary<string, string?> Fields { get; } = new(StringComparer.Ordinal);

    public List<string> Entitlements { get; set; } = [];

    public JsonObject ToJson()
    {
        var json = new JsonObject { [Kind.IdField] = Id.ToString() };
        if (Kind.Parent is { } parent)
        {
            json[parent.IdField] = ParentId?.ToString();
        }

        foreach (var field in Kind.Fields)
        {
            json[field] = Fields.GetValueOrDefault(field);
        }

        json[Kind.ExternalField] = ExternalId;
        var entitlements = new JsonArray();
        foreach (var feature in Entitlements)
        {
            entitlements.Add(new JsonObject { ["billing_feature_id"] = feature });
        }

        json["entitlements"] = entitlements;
        return json;
    }
}
