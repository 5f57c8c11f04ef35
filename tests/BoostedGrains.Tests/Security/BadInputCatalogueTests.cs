using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Tests.Gateway;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Tests.Security;

/// <summary>
/// The bad-input catalogue (docs/reliability.md) against the real Silo host (TokenApiTests holds 16 more: short-over-limit and blank
/// IDs, %01, malformed/array/oversized JSON, text/plain, invalid profiles, bad rejected-token reports, missing/wrong/
/// empty keys and the Basic scheme). Every case gets a clear 4xx, and Boosted sees nothing: no token request, no create.
/// </summary>
public sealed class BadInputCatalogueTests(SiloHostFixture silo) : IClassFixture<SiloHostFixture>, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = silo.BaseUrl };

    public void Dispose() => _http.Dispose();

    public sealed record Case(string Name, string Method, string Target, string? Body = null, string? ContentType = "application/json",
        string? Authorization = "default", HttpStatusCode Status = HttpStatusCode.BadRequest, string? Code = "invalid_request")
    {
        public override string ToString() => Name;
    }

    private static readonly string User = "mallory";

    public static TheoryData<Case> Cases() =>
    [
        // User IDs
        new("empty user ID segment", "POST", "/v1/users//token", Status: HttpStatusCode.NotFound, Code: null),
        new("10 KB user ID (over Kestrel's request-line limit)", "POST", $"/v1/users/{new string('u', 10 * 1024)}/token", Status: HttpStatusCode.RequestUriTooLong, Code: null),
        new("4 KB user ID (under it, over the ID limit)", "POST", $"/v1/users/{new string('u', 4 * 1024)}/token"),
        new("NUL in user ID", "POST", "/v1/users/a%00b/token", Code: null),
        new("newline in user ID", "POST", "/v1/users/a%0Ab/token"),
        new("DEL in user ID", "POST", "/v1/users/a%7Fb/token"),
        new("C1 control (U+0085) in user ID", "POST", "/v1/users/a%C2%85b/token"),
        new("invalid UTF-8 in user ID", "POST", "/v1/users/a%FFb/token"),
        new("../ climbs out of the users route", "POST", "/v1/users/../token", Status: HttpStatusCode.NotFound, Code: null),
        new("encoded ../ (%2E%2E) climbs out too", "POST", "/v1/users/%2E%2E/token", Status: HttpStatusCode.NotFound, Code: null),
        new("../ inside the user ID reaches another route", "POST", $"/v1/users/{User}/../../admin/token", Status: HttpStatusCode.NotFound, Code: null),
        // API keys
        new("API key in the query string instead of the header", "POST", $"/v1/users/{User}/token?api_key={GatewayOptions.DevelopmentApiKey}", Authorization: null, Status: HttpStatusCode.Unauthorized, Code: "invalid_api_key"),
        new("API key with one extra character", "POST", $"/v1/users/{User}/token", Authorization: $"Bearer {GatewayOptions.DevelopmentApiKey}x", Status: HttpStatusCode.Unauthorized, Code: "invalid_api_key"),
        new("API key missing its last character", "POST", $"/v1/users/{User}/token", Authorization: $"Bearer {GatewayOptions.DevelopmentApiKey[..^1]}", Status: HttpStatusCode.Unauthorized, Code: "invalid_api_key"),
        new("API key under the 'Token' scheme", "POST", $"/v1/users/{User}/token", Authorization: $"Token {GatewayOptions.DevelopmentApiKey}", Status: HttpStatusCode.Unauthorized, Code: "invalid_api_key"),
        new("API key on the rejected-token route, wrong", "POST", $"/v1/users/{User}/token/rejected", $$"""{"access_token_sha256":"{{new string('a', 64)}}"}""", Authorization: "Bearer nope", Status: HttpStatusCode.Unauthorized, Code: "invalid_api_key"),
        // Bodies
        new("1 MB chunked body without Content-Length", "POST", $"/v1/users/{User}/token", "chunked:" + new string(' ', 1024 * 1024)),
        new("JSON nested 1,000 deep", "POST", $"/v1/users/{User}/token", new string('[', 1000) + new string(']', 1000)),
        new("JSON null", "POST", $"/v1/users/{User}/token", "null"),
        new("JSON with a number for the email", "POST", $"/v1/users/{User}/token", """{"email":5}"""),
        new("JSON truncated mid-string", "POST", $"/v1/users/{User}/token", """{"email":"bob@exa"""),
        new("profile field of 257 characters", "POST", $"/v1/users/{User}/token", $$"""{"workspace":"{{new string('w', UserProfile.MaxFieldLength + 1)}}"}"""),
        new("rejected-token report with 64 non-hex characters", "POST", $"/v1/users/{User}/token/rejected", $$"""{"access_token_sha256":"{{new string('z', 64)}}"}"""),
        // Content types
        new("form-encoded body", "POST", $"/v1/users/{User}/token", "email=bob%40example.com", "application/x-www-form-urlencoded"),
        new("XML body", "POST", $"/v1/users/{User}/token", "<profile><email>bob@example.com</email></profile>", "application/xml"),
        new("multipart body", "POST", $"/v1/users/{User}/token", "--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nbob@example.com\r\n--b--", "multipart/form-data; boundary=b"),
        new("JSON body with no content type", "POST", $"/v1/users/{User}/token", """{"email":"bob@example.com"}""", null),
        // Methods
        new("GET on the token route", "GET", $"/v1/users/{User}/token", Status: HttpStatusCode.MethodNotAllowed, Code: null),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_a_clear_4xx_and_changes_nothing(Case @case)
    {
        var before = silo.Emulator.GetStats();
        using var request = new HttpRequestMessage(new HttpMethod(@case.Method), @case.Target);
        if (@case.Authorization == "default")
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayOptions.DevelopmentApiKey);
        else if (@case.Authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", @case.Authorization);
        if (@case.Body is { } body)
        {
            HttpContent content = body.StartsWith("chunked:", StringComparison.Ordinal)
                ? new StreamContent(new NonSeekable(Encoding.UTF8.GetBytes(body["chunked:".Length..])))
                : new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (@case.ContentType is { } type)
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            request.Content = content;
        }

        using var response = await _http.SendAsync(request);

        Assert.Equal(@case.Status, response.StatusCode);
        if (@case.Code is { } code)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
            Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
        }
        var after = silo.Emulator.GetStats();
        Assert.Equal((before.TokenRequests, before.Creates), (after.TokenRequests, after.Creates));
    }

    [Fact]
    public async Task A_user_ID_arrives_exactly_as_the_caller_encoded_it_and_distinct_IDs_stay_distinct()
    {
        // IDs that a lax decoder or a sanitizing store would fold together, each with its exact encoding on the wire.
        // One suffix for the set, so that they differ only where the test says; a new one per run, so runs never meet.
        var suffix = $"-{Guid.NewGuid():N}";
        (string Id, string Encoded)[] ids =
        [
            ("ユーザー-7", "%E3%83%A6%E3%83%BC%E3%82%B6%E3%83%BC-7"),
            ("a/b", "a%2Fb"),
            ("a%2Fb", "a%252Fb"),
            ("a_b", "a_b"),
            ("../admin", "..%2Fadmin"),
        ];
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var boostedIds = new Dictionary<string, string>();
        foreach (var (userId, encoded) in ids)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/users/{encoded}{suffix}/token");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayOptions.DevelopmentApiKey);

            using var response = await _http.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var status = await grains.GetUserTokenGrain(userId + suffix).GetStatusAsync();
            Assert.True(status.Provisioned, $"the token went to another grain than '{userId}{suffix}'");
            Assert.Equal(userId + suffix, status.UserId);
            boostedIds[userId] = status.BoostedUserId!;
        }

        // Pairwise distinct: no two of these IDs share a Boosted user.
        Assert.Equal(ids.Length, boostedIds.Values.Distinct().Count());
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
