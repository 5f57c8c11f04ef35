using System.Globalization;
using System.Net;
using System.Text.Json;
using BoostedGrains.Silo.Gateway;

namespace BoostedGrains.Tests.Gateway;

/// <summary>The served OpenAPI document, read as JSON, and a check of real answers against it.</summary>
internal sealed class OpenApiDocument(JsonDocument json) : IDisposable
{
    public JsonElement Root => json.RootElement;

    public static async Task<OpenApiDocument> FetchAsync(HttpClient http)
    {
        using var response = await http.GetAsync(TokenApiOpenApi.DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return new OpenApiDocument(JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    public void Dispose() => json.Dispose();

    public JsonElement Operation(string path) => Root.GetProperty("paths").GetProperty(path).GetProperty("post");

    public JsonElement Response(string path, string status) =>
        Operation(path).GetProperty("responses").TryGetProperty(status, out var response)
            ? response
            : throw new Xunit.Sdk.XunitException($"POST {path} answered {status}, which its OpenAPI operation does not document.");

    /// <summary>The documented <c>code</c> values of a problem response; null when any code is documented.</summary>
    public string[]? ProblemCodes(string path, string status)
    {
        var code = Parts(Schema(path, status, "application/problem+json")).Last(p => p.TryGetProperty("properties", out var own) && own.TryGetProperty("code", out _))
            .GetProperty("properties").GetProperty("code");
        return code.TryGetProperty("enum", out var values) ? [.. values.EnumerateArray().Select(v => v.GetString()!)] : null;
    }

    public JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!;
            Assert.StartsWith("#/components/schemas/", name);
            schema = Root.GetProperty("components").GetProperty("schemas").GetProperty(name["#/components/schemas/".Length..]);
        }
        return schema;
    }

    /// <summary>
    /// The answer's status is documented for <paramref name="path"/>, its content type is the documented one, and its
    /// body has the documented shape: every required property, no undocumented one, each of its documented type (and
    /// enum). A problem answer also carries <paramref name="code"/>.
    /// </summary>
    public async Task AssertAgreesAsync(string path, HttpResponseMessage answer, HttpStatusCode expected, string? code = null)
    {
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(expected == answer.StatusCode, $"expected {(int)expected}, got {(int)answer.StatusCode}: {body}");
        var status = ((int)answer.StatusCode).ToString(CultureInfo.InvariantCulture);
        var response = Response(path, status);
        if (!response.TryGetProperty("content", out var content))
        {
            Assert.Equal("", body);
            return;
        }
        var mediaType = answer.Content.Headers.ContentType?.MediaType!;
        Assert.True(content.TryGetProperty(mediaType, out var media), $"POST {path} {status} answered {mediaType}; documented: {content}");
        using var parsed = JsonDocument.Parse(body);
        AssertMatches(media.GetProperty("schema"), parsed.RootElement, $"POST {path} {status}");
        if (code is not null)
            Assert.Equal(code, parsed.RootElement.GetProperty("code").GetString());
        if (response.TryGetProperty("headers", out var headers))
        {
            foreach (var header in headers.EnumerateObject())
            {
                if (answer.Headers.TryGetValues(header.Name, out var values) && Resolve(header.Value.GetProperty("schema")).GetProperty("type").GetString() == "integer")
                    Assert.True(long.TryParse(Assert.Single(values), CultureInfo.InvariantCulture, out _), $"{header.Name}: {string.Join(',', values)} is not an integer");
            }
        }
    }

    private JsonElement Schema(string path, string status, string mediaType) =>
        Response(path, status).GetProperty("content").GetProperty(mediaType).GetProperty("schema");

    /// <summary>Checks <paramref name="value"/> against every part of <paramref name="schema"/>, its properties against their union.</summary>
    private void AssertMatches(JsonElement schema, JsonElement value, string at)
    {
        var parts = Parts(schema).ToList();
        foreach (var part in parts)
        {
            if (part.TryGetProperty("type", out var type))
            {
                var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
                var actual = TypeOf(value);
                Assert.True(types.Contains(actual) || (actual == "integer" && types.Contains("number")),
                    $"{at}: {value.GetRawText()} is {actual}, documented as {string.Join('|', types)}");
            }
            if (part.TryGetProperty("enum", out var values))
                Assert.True(values.EnumerateArray().Any(v => v.GetRawText() == value.GetRawText()), $"{at}: {value.GetRawText()} is not one of {values}");
            if (part.TryGetProperty("pattern", out var pattern) && value.ValueKind == JsonValueKind.String)
                Assert.Matches(pattern.GetString()!, value.GetString()!);
        }
        if (value.ValueKind != JsonValueKind.Object)
            return;

        // A later part's declaration of a property wins (allOf narrows ProblemDetails with the 'code' of this answer).
        var declared = new Dictionary<string, JsonElement>();
        foreach (var part in parts.Where(p => p.TryGetProperty("properties", out _)))
        {
            foreach (var property in part.GetProperty("properties").EnumerateObject())
                declared[property.Name] = property.Value;
        }
        foreach (var property in value.EnumerateObject())
        {
            Assert.True(declared.TryGetValue(property.Name, out var propertySchema), $"{at}: '{property.Name}' is not in the documented schema ({string.Join(", ", declared.Keys)})");
            AssertMatches(propertySchema, property.Value, $"{at}.{property.Name}");
        }
        foreach (var required in parts.Where(p => p.TryGetProperty("required", out _)).SelectMany(p => p.GetProperty("required").EnumerateArray()))
            Assert.True(value.TryGetProperty(required.GetString()!, out _), $"{at}: the documented required '{required}' is missing");
    }

    /// <summary>The schema and, depth first, its <c>allOf</c> parts, each with references resolved.</summary>
    private IEnumerable<JsonElement> Parts(JsonElement schema)
    {
        schema = Resolve(schema);
        yield return schema;
        if (!schema.TryGetProperty("allOf", out var all))
            yield break;
        foreach (var part in all.EnumerateArray().SelectMany(Parts))
            yield return part;
    }

    private static string TypeOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "array",
        _ => "object",
    };
}
