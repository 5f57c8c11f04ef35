using System.Net.Mail;
using System.Text.Json;

namespace BoostedGrains.Emulator.Hosting;

/// <summary>Reads typed fields from a JSON object body and collects 422 details for each field that is wrong.</summary>
internal sealed class JsonBody
{
    private readonly JsonElement _root;

    private JsonBody(JsonElement root) => _root = root;

    public List<ValidationError> Errors { get; } = [];

    /// <summary>Parses the body; returns null with <paramref name="error"/> set when it is not a JSON object.</summary>
    public static JsonBody? Parse(byte[] bytes, out ValidationError? error)
    {
        error = null;
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = new ValidationError(["body"], "Input should be a valid dictionary or object", "model_attributes_type");
                return null;
            }

            return new JsonBody(document.RootElement.Clone());
        }
        catch (JsonException)
        {
            error = new ValidationError(["body"], "JSON decode error", "json_invalid");
            return null;
        }
    }

    /// <summary>A string field: null when absent or null; records an error when it has another type.</summary>
    public string? String(string field, bool email = false)
    {
        if (!_root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Errors.Add(ValidationError.Body(field, "Input should be a valid string", "string_type"));
            return null;
        }

        var text = value.GetString()!;
        if (email && !IsEmail(text))
        {
            Errors.Add(ValidationError.Body(field, "value is not a valid email address", "value_error"));
            return null;
        }

        return text;
    }

    public string? RequiredString(string field)
    {
        var text = String(field);
        if (text is null && !HasError(field))
        {
            Errors.Add(ValidationError.Body(field, "Field required", "missing"));
        }
        else if (text is { Length: 0 })
        {
            Errors.Add(ValidationError.Body(field, "String should have at least 1 character", "string_too_short"));
            return null;
        }

        return text;
    }

    public Guid? Uuid(string field, bool required)
    {
        var text = String(field);
        if (text is null)
        {
            if (required && !HasError(field))
            {
                Errors.Add(ValidationError.Body(field, "Field required", "missing"));
            }

            return null;
        }

        if (Guid.TryParse(text, out var id))
        {
            return id;
        }

        Errors.Add(ValidationError.Body(field, "Input should be a valid UUID", "uuid_parsing"));
        return null;
    }

    /// <summary>A list of <c>{"billing_feature_id": "..."}</c>; null when absent or null.</summary>
    public List<string>? Entitlements(string field)
    {
        if (!_root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Errors.Add(ValidationError.Body(field, "Input should be a valid list", "list_type"));
            return null;
        }

        var features = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object
                && item.TryGetProperty("billing_feature_id", out var feature)
                && feature.ValueKind == JsonValueKind.String)
            {
                features.Add(feature.GetString()!);
            }
            else
            {
                Errors.Add(new ValidationError(["body", field, index.ToString(System.Globalization.CultureInfo.InvariantCulture), "billing_feature_id"],
                    "Field required as a string", "missing"));
            }

            index++;
        }

        return features;
    }

    private bool HasError(string field) => Errors.Exists(e => e.Location.Count > 1 && e.Location[1] == field);

    private static bool IsEmail(string text) =>
        text.Length <= 254 && MailAddress.TryCreate(text, out var address) && address.Address == text && address.Host.Contains('.', StringComparison.Ordinal);
}
