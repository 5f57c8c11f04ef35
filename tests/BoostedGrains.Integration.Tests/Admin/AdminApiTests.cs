using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BoostedGrains.Integration.Tests.Infrastructure;
using BoostedGrains.Silo.Gateway;

namespace BoostedGrains.Integration.Tests.Admin;

public sealed class AdminApiTests : IAsyncLifetime
{
    private SiloHarness _silo = null!;

    public async Task InitializeAsync() => _silo = await SiloHarness.StartAsync(new Dictionary<string, string> { ["Dashboard:Enabled"] = "true" });

    public Task DisposeAsync() => _silo.DisposeAsync().AsTask();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key = SiloHarness.AdminKey) =>
        await _silo.Http.SendAsync(SiloHarness.Request(method, path, key));

    private async Task<string> TokenAsync(string user) =>
        (await (await SendAsync(HttpMethod.Post, $"v1/users/{user}/token", GatewayOptions.DevelopmentApiKey)).Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();

    [Fact]
    public async Task Every_admin_endpoint_and_the_dashboard_need_an_admin_key_and_a_gateway_key_is_not_one()
    {
        var paths = new (HttpMethod, string)[]
        {
            (HttpMethod.Get, "admin/keys"), (HttpMethod.Post, "admin/keys/rotate"), (HttpMethod.Post, "admin/keys/some-kid/revoke"),
            (HttpMethod.Get, "admin/users/u1"), (HttpMethod.Post, "admin/users/u1/reprovision"), (HttpMethod.Get, "dashboard/"),
        };
        foreach (var (method, path) in paths)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(method, path, key: null)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(method, path, GatewayOptions.DevelopmentApiKey)).StatusCode);
        }
        using var browser = new HttpRequestMessage(HttpMethod.Get, "dashboard/");
        browser.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops:{SiloHarness.AdminKey}")));
        Assert.Equal(HttpStatusCode.OK, (await _silo.Http.SendAsync(browser)).StatusCode);
        Assert.Equal(0, _silo.Emulator.GetStats().TokenRequests);
    }

    [Fact]
    public async Task The_admin_API_refuses_the_admin_key_as_HTTP_Basic_so_a_browsers_cached_credentials_cannot_post_to_it()
    {
        var kidsBefore = await KidsAsync();
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops:{SiloHarness.AdminKey}")));

        foreach (var (method, path) in new[] { (HttpMethod.Post, "admin/keys/rotate"), (HttpMethod.Get, "admin/keys") })
        {
            using var request = new HttpRequestMessage(method, path) { Headers = { Authorization = basic } };
            using var response = await _silo.Http.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("invalid_admin_key", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
            // Basic is not offered where it is not taken: a browser never prompts for it, so never caches it for /admin.
            Assert.Equal(["Bearer"], response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        }
        // No rotation happened: the same keys (their public sighting may be recorded meanwhile, so only kids are compared).
        Assert.Equal(kidsBefore, await KidsAsync());
    }

    private async Task<string[]> KidsAsync() =>
        (await (await SendAsync(HttpMethod.Get, "admin/keys")).Content.ReadFromJsonAsync<JsonObject>())!["keys"]!.AsArray()
            .Select(key => key!["kid"]!.GetValue<string>()).Order().ToArray();

    [Fact]
    public async Task A_users_status_never_shows_the_token_and_reprovisioning_adopts_the_user_and_renews_its_token()
    {
        const string user = "admin-dana";
        var token = await TokenAsync(user);

        var statusText = await (await SendAsync(HttpMethod.Get, $"admin/users/{user}")).Content.ReadAsStringAsync();
        using var reprovision = await SendAsync(HttpMethod.Post, $"admin/users/{user}/reprovision");
        var after = await reprovision.Content.ReadFromJsonAsync<JsonObject>();
        var renewed = await TokenAsync(user);

        var status = JsonNode.Parse(statusText)!;
        Assert.DoesNotContain(token, statusText);
        Assert.Equal((true, user), (status["provisioned"]!.GetValue<bool>(), status["user_id"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, reprovision.StatusCode);
        Assert.Equal(status["boosted_user_id"]!.GetValue<string>(), after!["boosted_user_id"]!.GetValue<string>());
        Assert.NotEqual(token, renewed);
        var stats = _silo.Emulator.GetStats();
        Assert.Equal((1, 1L), (stats.Creates.User, stats.Conflicts));
        Assert.Equal(2, stats.Exchanges[status["boosted_user_id"]!.GetValue<string>()]);
    }

    [Fact]
    public async Task Keys_are_listed_with_their_timeline_and_a_revoked_key_leaves_the_JWKS_and_signs_nothing_more()
    {
        var keys = (await (await SendAsync(HttpMethod.Get, "admin/keys")).Content.ReadFromJsonAsync<JsonObject>())!["keys"]!.AsArray();
        var key = Assert.Single(keys)!;
        var kid = key["kid"]!.GetValue<string>();
        Assert.Equal(("Signing", "RS256"), (key["status"]!.GetValue<string>(), key["algorithm"]!.GetValue<string>()));
        Assert.Null(key["d"]);

        using var revoke = await SendAsync(HttpMethod.Post, $"admin/keys/{kid}/revoke");
        using var unknown = await SendAsync(HttpMethod.Post, $"admin/keys/{kid}/revoke");
        var jwks = await _silo.Http.GetStringAsync(".well-known/jwks.json");
        var listed = (await (await SendAsync(HttpMethod.Get, "admin/keys")).Content.ReadFromJsonAsync<JsonObject>())!["keys"]!.AsArray();
        using var refused = await SendAsync(HttpMethod.Post, "v1/users/after-revoke/token", GatewayOptions.DevelopmentApiKey);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NotFound), (revoke.StatusCode, unknown.StatusCode));
        Assert.DoesNotContain(kid, jwks);
        Assert.Equal("Revoked", listed.Single(k => k!["kid"]!.GetValue<string>() == kid)!["status"]!.GetValue<string>());
        Assert.Equal("Propagating", listed.Single(k => k!["kid"]!.GetValue<string>() != kid)!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("signing_key_unavailable", await refused.Content.ReadAsStringAsync());
    }
}
