using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BoostedGrains.Emulator;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Gateway;

/// <summary>
/// The token API's OpenAPI document, fetched from the running Silo, against the answers the same silo really gives:
/// every status the API answers is documented for its path, and each body has the documented shape.
/// </summary>
public sealed class OpenApiContractTests(SiloHostFixture silo) : IClassFixture<SiloHostFixture>, IDisposable
{
    private const string TokenPath = "/v1/users/{userId}/token";
    private const string RejectedPath = "/v1/users/{userId}/token/rejected";

    private readonly HttpClient _http = new() { BaseAddress = silo.BaseUrl };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task The_document_describes_both_token_paths_behind_the_Bearer_scheme_with_every_status_and_problem_code()
    {
        using var document = await OpenApiDocument.FetchAsync(_http);
        var root = document.Root;

        Assert.StartsWith("3.1", root.GetProperty("openapi").GetString());
        // Only the token API: the admin API, JWKS and health are not for app servers' generated clients.
        Assert.Equal([TokenPath, RejectedPath], root.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order());
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty(TokenApiOpenApi.SecuritySchemeName);
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));

        foreach (var (path, statuses) in new[]
                 {
                     (TokenPath, new[] { "200", "400", "401", "429", "502", "503" }),
                     (RejectedPath, new[] { "204", "400", "401", "429", "503" }),
                 })
        {
            var operation = document.Operation(path);
            Assert.Equal([TokenApiOpenApi.SecuritySchemeName], operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject()).Select(r => r.Name));
            var userId = Assert.Single(operation.GetProperty("parameters").EnumerateArray());
            Assert.Equal(("userId", "path", true), (userId.GetProperty("name").GetString(), userId.GetProperty("in").GetString(), userId.GetProperty("required").GetBoolean()));
            Assert.Equal(statuses.Order(), operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
        }

        Assert.Equal(["invalid_request"], document.ProblemCodes(TokenPath, "400")!);
        Assert.Equal(["invalid_api_key"], document.ProblemCodes(TokenPath, "401")!);
        Assert.Equal(["rate_limited"], document.ProblemCodes(TokenPath, "429")!);
        Assert.Null(document.ProblemCodes(TokenPath, "502")); // Boosted's own error code, passed on
        Assert.Equal(["boosted_unavailable", "signing_key_unavailable", "cluster_unavailable"], document.ProblemCodes(TokenPath, "503")!);
        Assert.Equal(["invalid_request"], document.ProblemCodes(RejectedPath, "400")!);
        Assert.Equal(["cluster_unavailable"], document.ProblemCodes(RejectedPath, "503")!);
        // The bodies the handlers read: optional on the token path, required on the report, both JSON.
        var profile = document.Operation(TokenPath).GetProperty("requestBody");
        Assert.False(profile.TryGetProperty("required", out var profileRequired) && profileRequired.GetBoolean());
        Assert.Equal(["email", "name", "workspace"], document.Resolve(profile.GetProperty("content").GetProperty("application/json").GetProperty("schema"))
            .GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        var report = document.Operation(RejectedPath).GetProperty("requestBody");
        Assert.True(report.GetProperty("required").GetBoolean());
        var hash = document.Resolve(report.GetProperty("content").GetProperty("application/json").GetProperty("schema")).GetProperty("properties").GetProperty("access_token_sha256");
        Assert.Equal("^[0-9a-fA-F]{64}$", hash.GetProperty("pattern").GetString());
        Assert.Equal("integer", document.Resolve(document.Response(TokenPath, "429").GetProperty("headers").GetProperty("Retry-After").GetProperty("schema")).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Success_bad_input_missing_key_and_a_Boosted_outage_answer_as_documented()
    {
        using var document = await OpenApiDocument.FetchAsync(_http);
        var user = $"openapi-{Guid.NewGuid():N}";

        using var token = await PostAsync(_http, $"/v1/users/{user}/token", GatewayOptions.DevelopmentApiKey,
            """{"email":"openapi@example.com","name":"Open Api","workspace":"acme"}""");
        await document.AssertAgreesAsync(TokenPath, token, HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await token.Content.ReadAsStringAsync());
        var hash = TokenHash.Sha256Hex(body.RootElement.GetProperty("access_token").GetString()!);

        using var rejected = await PostAsync(_http, $"/v1/users/{user}/token/rejected", GatewayOptions.DevelopmentApiKey, $$"""{"access_token_sha256":"{{hash}}"}""");
        await document.AssertAgreesAsync(RejectedPath, rejected, HttpStatusCode.NoContent);

        using var badProfile = await PostAsync(_http, $"/v1/users/{user}/token", GatewayOptions.DevelopmentApiKey, """{"email":"no-at-sign"}""");
        await document.AssertAgreesAsync(TokenPath, badProfile, HttpStatusCode.BadRequest, "invalid_request");
        using var badHash = await PostAsync(_http, $"/v1/users/{user}/token/rejected", GatewayOptions.DevelopmentApiKey, """{"access_token_sha256":"abc"}""");
        await document.AssertAgreesAsync(RejectedPath, badHash, HttpStatusCode.BadRequest, "invalid_request");

        using var noKey = await PostAsync(_http, $"/v1/users/{user}/token", apiKey: null);
        await document.AssertAgreesAsync(TokenPath, noKey, HttpStatusCode.Unauthorized, "invalid_api_key");
        using var wrongKey = await PostAsync(_http, $"/v1/users/{user}/token/rejected", "not-a-key", $$"""{"access_token_sha256":"{{hash}}"}""");
        await document.AssertAgreesAsync(RejectedPath, wrongKey, HttpStatusCode.Unauthorized, "invalid_api_key");

        silo.Emulator.SetFaults(new EmulatorFaults { Outage = true });
        try
        {
            using var outage = await PostAsync(_http, $"/v1/users/{user}-new/token", GatewayOptions.DevelopmentApiKey);
            await document.AssertAgreesAsync(TokenPath, outage, HttpStatusCode.ServiceUnavailable, "boosted_unavailable");
        }
        finally
        {
            silo.Emulator.SetFaults(new EmulatorFaults());
        }
    }

    [Fact]
    public async Task A_Boosted_refusal_and_a_key_over_its_budget_answer_as_documented()
    {
        // A Boosted that does not know the silo's client secret answers invalid_client, and a budget of one request per
        // ten minutes (instead of the default 100,000 a second) lets the second request meet the limiter.
        var rightSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var wrongSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var apiKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        foreach (var secret in new[] { rightSecret, wrongSecret, apiKey })
            LogCapture.Suite.AddSecret(secret);
        await using var boosted = await BoostedEmulatorServer.StartAsync(new EmulatorOptions
        {
            Partners = [new EmulatorPartner { ClientId = "openapi-partner", ClientSecret = rightSecret, JwksUri = new Uri("http://127.0.0.1:9/jwks.json") }],
        });
        var (app, url) = await SiloHostFixture.StartSiloAsync("openapi",
        [
            "--Emulator:Enabled=false",
            $"--Boosted:BaseUrl={boosted.BaseUrl}",
            "--Boosted:ClientId=openapi-partner",
            $"--Boosted:ClientSecret={wrongSecret}",
            // This test's Boosted starts and ends with the silo, so it never caches a JWKS the ring has forgotten.
            "--KeyRing:AllowEphemeral=true",
            $"--Gateway:ApiKeys:openapi={apiKey}",
            "--Gateway:RateLimit:TokenLimit=1",
            "--Gateway:RateLimit:TokensPerPeriod=1",
            "--Gateway:RateLimit:ReplenishmentPeriod=00:10:00",
        ], builder => builder.Logging.AddProvider(LogCapture.Suite));
        try
        {
            using var http = new HttpClient { BaseAddress = url };
            using var document = await OpenApiDocument.FetchAsync(http);

            using var refused = await PostAsync(http, "/v1/users/openapi-refused/token", apiKey);
            await document.AssertAgreesAsync(TokenPath, refused, HttpStatusCode.BadGateway, "invalid_client");

            using var limited = await PostAsync(http, "/v1/users/openapi-refused/token", apiKey);
            await document.AssertAgreesAsync(TokenPath, limited, HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
            using var limitedReport = await PostAsync(http, "/v1/users/openapi-refused/token/rejected", apiKey, $$"""{"access_token_sha256":"{{new string('a', 64)}}"}""");
            await document.AssertAgreesAsync(RejectedPath, limitedReport, HttpStatusCode.TooManyRequests, "rate_limited");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string? apiKey, string? json = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (apiKey is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return http.SendAsync(request);
    }
}

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
