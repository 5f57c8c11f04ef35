using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BoostedGrains.Emulator;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Gateway;

/// <summary>
/// API keys with a scope (user-ID prefixes, workspaces), without the profile permission, and with a cap on new users:
/// each refusal is a problem with its code, Boosted sees nothing of it, and each key's use is logged and counted by name.
/// Each test starts its own silo (xunit makes one instance per test), so counts are the test's own.
/// </summary>
public sealed class ApiKeyScopeTests : IAsyncLifetime
{
    // A cap far below the default (300 a minute) so that the test meets it in a few requests.
    private const int NewUserCap = 2;

    private readonly string _prefixKey = NewKey();
    private readonly string _workspaceKey = NewKey();
    private readonly string _profileKey = NewKey();
    private readonly string _cappedKey = NewKey();
    private readonly string _updaterKey = NewKey();
    private readonly LogCapture _log = new();
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private MetricCounter _requests = null!;
    private MetricCounter _created = null!;

    private BoostedEmulatorServer Emulator => _app.Services.GetRequiredService<BoostedEmulatorServer>();

    private static string NewKey()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        LogCapture.Suite.AddSecret(key);
        return key;
    }

    public async Task InitializeAsync()
    {
        Uri url;
        (_app, url) = await SiloHostFixture.StartSiloAsync("scope",
        [
            $"--Gateway:Keys:0:Key={_prefixKey}", "--Gateway:Keys:0:Name=tenant-a", "--Gateway:Keys:0:UserIdPrefixes:0=tenant-a/",
            $"--Gateway:Keys:1:Key={_workspaceKey}", "--Gateway:Keys:1:Name=acme-only", "--Gateway:Keys:1:Workspaces:0=acme",
            $"--Gateway:Keys:2:Key={_profileKey}", "--Gateway:Keys:2:Name=reader",
            $"--Gateway:Keys:3:Key={_cappedKey}", "--Gateway:Keys:3:Name=capped", $"--Gateway:Keys:3:NewUsersPerMinute={NewUserCap}",
            $"--Gateway:Keys:4:Key={_updaterKey}", "--Gateway:Keys:4:Name=updater", "--Gateway:Keys:4:CanUpdateProfile=true",
        ], builder => builder.Logging.AddProvider(_log).AddProvider(LogCapture.Suite), app =>
        {
            _requests = new MetricCounter([app.Services], "boostedgrains.gateway.requests");
            _created = new MetricCounter([app.Services], "boostedgrains.gateway.users_created");
        });
        _http = new HttpClient { BaseAddress = url };
    }

    public async Task DisposeAsync()
    {
        _requests.Dispose();
        _created.Dispose();
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<HttpResponseMessage> TokenAsync(string key, string user, string? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/users/{Uri.EscapeDataString(user)}/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await _http.SendAsync(request);
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())?["code"]?.GetValue<string>();

    [Fact]
    public async Task A_key_limited_to_a_user_id_prefix_gets_403_key_out_of_scope_for_other_users_and_Boosted_sees_nothing()
    {
        var before = Emulator.GetStats();
        using var outside = await TokenAsync(_prefixKey, "tenant-b/carl");
        using var report = await PostReportAsync(_prefixKey, "tenant-b/carl");
        var after = Emulator.GetStats();
        using var inside = await TokenAsync(_prefixKey, "tenant-a/ann");

        Assert.Equal((HttpStatusCode.Forbidden, "key_out_of_scope"), (outside.StatusCode, await CodeAsync(outside)));
        Assert.Equal((HttpStatusCode.Forbidden, "key_out_of_scope"), (report.StatusCode, await CodeAsync(report)));
        Assert.Equal((before.TokenRequests, before.Creates.User), (after.TokenRequests, after.Creates.User));
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        Assert.Equal(2, _requests.Sum(("key", "tenant-a"), ("outcome", "key_out_of_scope")));
    }

    [Fact]
    public async Task A_key_limited_to_a_workspace_serves_its_users_only_whether_the_workspace_comes_from_the_request_or_the_user()
    {
        // Provisioned in the default workspace by an unscoped key: the workspace-scoped key learns it from the grain.
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(_profileKey, "ws-default-user")).StatusCode);

        using var otherWorkspace = await TokenAsync(_workspaceKey, "ws-new-globex", """{"workspace":"globex"}""");
        using var defaultWorkspace = await TokenAsync(_workspaceKey, "ws-new-default");
        using var provisionedElsewhere = await TokenAsync(_workspaceKey, "ws-default-user");
        using var own = await TokenAsync(_workspaceKey, "ws-acme-user", """{"workspace":"acme"}""");
        using var ownAgain = await TokenAsync(_workspaceKey, "ws-acme-user");

        foreach (var refused in new[] { otherWorkspace, defaultWorkspace, provisionedElsewhere })
            Assert.Equal((HttpStatusCode.Forbidden, "key_out_of_scope"), (refused.StatusCode, await CodeAsync(refused)));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (own.StatusCode, ownAgain.StatusCode));
        var status = await Grains.GetUserTokenGrain("ws-acme-user").GetStatusAsync();
        Assert.Equal("acme", status.Workspace);
        Assert.False((await Grains.GetUserTokenGrain("ws-new-globex").GetStatusAsync()).Provisioned);
        Assert.False((await Grains.GetUserTokenGrain("ws-new-default").GetStatusAsync()).Provisioned);
    }

    [Fact]
    public async Task Changing_a_provisioned_users_email_or_name_needs_the_profile_permission()
    {
        const string user = "profile-pat";
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(_profileKey, user, """{"email":"pat@example.com","name":"Pat"}""")).StatusCode);

        using var same = await TokenAsync(_profileKey, user, """{"email":"pat@example.com","name":"Pat"}""");
        using var changed = await TokenAsync(_profileKey, user, """{"email":"mallory@example.com"}""");
        var afterRefusal = await Grains.GetUserTokenGrain(user).GetStatusAsync();
        using var permitted = await TokenAsync(_updaterKey, user, """{"name":"Patricia"}""");
        var afterUpdate = await Grains.GetUserTokenGrain(user).GetStatusAsync();

        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal((HttpStatusCode.Forbidden, "profile_update_not_allowed"), (changed.StatusCode, await CodeAsync(changed)));
        Assert.Equal(("pat@example.com", "Pat"), (afterRefusal.Email, afterRefusal.Name));
        Assert.Equal(HttpStatusCode.OK, permitted.StatusCode);
        Assert.Equal(("pat@example.com", "Patricia"), (afterUpdate.Email, afterUpdate.Name));
    }

    [Fact]
    public async Task A_key_over_its_new_user_cap_gets_429_with_retry_after_while_its_known_users_are_served()
    {
        var before = Emulator.GetStats().Creates.User;
        for (var i = 0; i < NewUserCap; i++)
            Assert.Equal(HttpStatusCode.OK, (await TokenAsync(_cappedKey, $"capped-{i}")).StatusCode);

        using var capped = await TokenAsync(_cappedKey, "capped-extra");
        using var known = await TokenAsync(_cappedKey, "capped-0");

        Assert.Equal((HttpStatusCode.TooManyRequests, "new_user_rate_limited"), (capped.StatusCode, await CodeAsync(capped)));
        var retryAfter = int.Parse(capped.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(NewUserCap, Emulator.GetStats().Creates.User - before);
        Assert.False((await Grains.GetUserTokenGrain("capped-extra").GetStatusAsync()).Provisioned);
        Assert.Equal(NewUserCap, _created.Sum(("key", "capped")));
    }

    [Fact]
    public async Task The_first_use_of_a_key_for_a_user_is_logged_once_by_key_name_and_counted_without_the_key()
    {
        const string user = "tenant-a/first-use";
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await TokenAsync(_prefixKey, user)).StatusCode);

        var line = Assert.Single(_log.Lines, l => l.Contains("fetched a token for user tenant-a/first-use", StringComparison.Ordinal));
        Assert.StartsWith("Information BoostedGrains.Silo.Gateway.KeyAdmission: API key tenant-a fetched a token for user tenant-a/first-use (workspace default, user created)", line);
        Assert.Equal(3, _requests.Sum(("key", "tenant-a"), ("outcome", "served")));
        Assert.DoesNotContain(_log.Lines, l => l.Contains(_prefixKey, StringComparison.Ordinal));
    }

    private IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    private async Task<HttpResponseMessage> PostReportAsync(string key, string user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/users/{Uri.EscapeDataString(user)}/token/rejected")
        {
            Content = new StringContent($$"""{"access_token_sha256":"{{new string('a', 64)}}"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _http.SendAsync(request);
    }
}
