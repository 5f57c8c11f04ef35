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
                     (TokenPath, new[] { "200", "400", "401", "403", "429", "502", "503" }),
                     (RejectedPath, new[] { "204", "400", "401", "403", "429", "503" }),
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
        Assert.Equal(["key_out_of_scope", "profile_update_not_allowed"], document.ProblemCodes(TokenPath, "403")!);
        Assert.Equal(["rate_limited", "too_many_failed_keys", "new_user_rate_limited"], document.ProblemCodes(TokenPath, "429")!);
        Assert.Equal(["key_out_of_scope"], document.ProblemCodes(RejectedPath, "403")!);
        Assert.Equal(["rate_limited", "too_many_failed_keys"], document.ProblemCodes(RejectedPath, "429")!);
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
