using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BoostedGrains.Emulator;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Tests.Gateway;

/// <summary>The HTTP token API end to end under the process's culture.</summary>
public sealed class TokenApiTests(SiloHostFixture silo) : TokenApiTestsBase(silo), IClassFixture<SiloHostFixture>;

/// <summary>The HTTP token API end to end with the host under fi-FI: every wire format stays culture-invariant.</summary>
public sealed class FinnishCultureTokenApiTests(FinnishSiloHostFixture silo) : TokenApiTestsBase(silo), IClassFixture<FinnishSiloHostFixture>;

/// <summary>The HTTP token API end to end: real Kestrel, the real Silo host, the embedded emulator as Boosted.</summary>
public abstract partial class TokenApiTestsBase(SiloHostFixture silo) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = silo.BaseUrl };

    public void Dispose() => _http.Dispose();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex IsoUtcSeconds();

    [Fact]
    public async Task A_token_request_returns_a_working_Boosted_token_with_its_length_that_is_not_cached_by_intermediaries()
    {
        var user = $"alice-{Guid.NewGuid():N}";
        using var response = await PostAsync($"/v1/users/{user}/token");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        // Rendered whole and sent with its length, in one write: not chunked.
        Assert.Null(response.Headers.TransferEncodingChunked);
        var json = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(json.Length, response.Content.Headers.ContentLength);
        using var body = JsonDocument.Parse(json);
        var token = body.RootElement.GetProperty("access_token").GetString()!;
        Assert.Equal("Bearer", body.RootElement.GetProperty("token_type").GetString());
        Assert.Equal("thread", body.RootElement.GetProperty("scope").GetString());
        var expiresAt = body.RootElement.GetProperty("expires_at").GetString()!;
        Assert.Matches(IsoUtcSeconds(), expiresAt);
        var remaining = DateTimeOffset.Parse(expiresAt, CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow;
        Assert.InRange(remaining, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        // expires_in counts whole seconds from the answer: within a few seconds of expires_at, never after it.
        var expiresIn = body.RootElement.GetProperty("expires_in").GetInt64();
        Assert.InRange(expiresIn, (long)remaining.TotalSeconds - 5, (long)remaining.TotalSeconds + 1);

        // Boosted accepts it: create a thread as the user.
        using var thread = new HttpRequestMessage(HttpMethod.Post, new Uri(silo.Emulator.BaseUrl, "v2/threads"))
        {
            Content = new StringContent("""{"thread_name":"hello"}""", Encoding.UTF8, "application/json"),
        };
        thread.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(thread)).StatusCode);
    }

    [Fact]
    public async Task The_first_request_with_a_profile_provisions_the_user_in_that_workspace()
    {
        var user = $"bob-{Guid.NewGuid():N}";
        var workspace = $"acme-{Guid.NewGuid():N}";
        var before = silo.Emulator.GetStats();
        using var response = await PostAsync($"/v1/users/{user}/token",
            $$"""{"email":"bob@example.com","name":"Bob","workspace":"{{workspace}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = silo.Emulator.GetStats();
        // One user, in a workspace of that name that this request created.
        Assert.Equal((1, 1), (after.Creates.User - before.Creates.User, after.Creates.Workspace - before.Creates.Workspace));
        var status = await silo.Services.GetRequiredService<IGrainFactory>().GetUserTokenGrain(user).GetStatusAsync();
        Assert.Equal((true, workspace), (status.Provisioned, status.Workspace));
    }

    [Fact]
    public async Task A_rejected_token_report_is_accepted_with_204_and_renews_the_current_token()
    {
        var user = $"carol-{Guid.NewGuid():N}";
        var first = await TokenAsync(user);

        using var report = await PostAsync($"/v1/users/{user}/token/rejected",
            $$"""{"access_token_sha256":"{{TokenHash.Sha256Hex(first)}}"}""");

        Assert.Equal(HttpStatusCode.NoContent, report.StatusCode);
        Assert.NotEqual(first, await TokenAsync(user));
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("Basic ZGV2LWFwaS1rZXk6", "wrong scheme")]
    [InlineData("Bearer not-a-key", "wrong key")]
    [InlineData("Bearer ", "empty key")]
    public async Task Without_a_valid_API_key_the_answer_is_401_problem_details_and_Boosted_is_not_called(string? authorization, string _)
    {
        var before = silo.Emulator.GetStats();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/users/dave-{Guid.NewGuid():N}/token");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await _http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(before.TokenRequests, silo.Emulator.GetStats().TokenRequests);
    }

    [Theory]
    [InlineData("/v1/users/%01bad/token", null, null)]
    [InlineData("/v1/users/%20%20/token", null, null)]
    [InlineData("/v1/users/%20bob/token", null, null)]
    [InlineData("/v1/users/{long}/token", null, null)]
    [InlineData("/v1/users/{user}/token", "{not json", "application/json")]
    [InlineData("/v1/users/{user}/token", "[1,2]", "application/json")]
    [InlineData("/v1/users/{user}/token", """{"email":"bob@example.com"}""", "text/plain")]
    [InlineData("/v1/users/{user}/token", """{"email":"no-at-sign"}""", "application/json")]
    [InlineData("/v1/users/{user}/token", """{"name":"ctrl\u0007"}""", "application/json")]
    [InlineData("/v1/users/{user}/token", "{big}", "application/json")]
    [InlineData("/v1/users/{user}/token/rejected", null, null)]
    [InlineData("/v1/users/{user}/token/rejected", """{"access_token_sha256":"abc"}""", "application/json")]
    [InlineData("/v1/users/{user}/token/rejected", """{"access_token_sha256":null}""", "application/json")]
    public async Task Bad_input_is_a_400_problem_and_changes_nothing(string path, string? body, string? contentType)
    {
        var user = $"erin-{Guid.NewGuid():N}";
        path = path.Replace("{long}", new string('x', UserIds.MaxLength + 1)).Replace("{user}", user);
        body = body?.Replace("{big}", $$"""{"name":"{{new string('n', 20_000)}}"}""");
        var before = silo.Emulator.GetStats();

        using var response = await PostAsync(path, body, contentType);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        var after = silo.Emulator.GetStats();
        Assert.Equal((before.TokenRequests, before.Creates), (after.TokenRequests, after.Creates));
    }

    [Fact]
    public async Task When_Boosted_is_down_a_new_user_gets_503_problem_details_and_the_next_call_after_recovery_succeeds()
    {
        var user = $"frank-{Guid.NewGuid():N}";
        silo.Emulator.SetFaults(new EmulatorFaults { Outage = true });
        try
        {
            using var response = await PostAsync($"/v1/users/{user}/token");
            await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "boosted_unavailable");
        }
        finally
        {
            silo.Emulator.SetFaults(new EmulatorFaults());
        }
        Assert.NotEmpty(await TokenAsync(user));
    }

    [Fact]
    public async Task The_JWKS_carries_public_keys_only_with_cache_headers_and_answers_304_to_its_ETag()
    {
        using var response = await _http.GetAsync("/.well-known/jwks.json");
        var json = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.MaxAge > TimeSpan.Zero);
        using var jwks = JsonDocument.Parse(json);
        // The silo publishes its signing key, so the loop below has a key to look at.
        Assert.NotEmpty(jwks.RootElement.GetProperty("keys").EnumerateArray());
        foreach (var key in jwks.RootElement.GetProperty("keys").EnumerateArray())
        {
            foreach (var member in new[] { "d", "p", "q", "dp", "dq", "qi" })
                Assert.False(key.TryGetProperty(member, out _), $"private member {member}");
        }

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks.json");
        conditional.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await _http.SendAsync(conditional)).StatusCode);
    }

    private async Task<string> TokenAsync(string user)
    {
        using var response = await PostAsync($"/v1/users/{user}/token");
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    private Task<HttpResponseMessage> PostAsync(string path, string? body = null, string? contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayOptions.DevelopmentApiKey);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, contentType ?? "application/json");
        return _http.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
    }
}
