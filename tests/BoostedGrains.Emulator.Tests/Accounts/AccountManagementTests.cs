using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BoostedGrains.Emulator.Tests.Infrastructure;
using static BoostedGrains.Emulator.Tests.Infrastructure.EmulatorHarness;

namespace BoostedGrains.Emulator.Tests.Accounts;

public sealed class AccountManagementTests : IAsyncLifetime
{
    private const string Root = "v2/account-management";
    private EmulatorHarness _h = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _h = await EmulatorHarness.StartAsync();
        _token = await _h.ManagementTokenAsync();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Create_returns_201_with_the_envelope_and_get_finds_it_by_either_id()
    {
        using var created = await _h.SendAsync(HttpMethod.Put, $"{Root}/organization", _token, new JsonObject
        {
            ["name"] = "Acme",
            ["email"] = "ops@acme.example",
            ["external_org_id"] = "acme",
            ["entitlements"] = new JsonArray(new JsonObject { ["billing_feature_id"] = "research" }),
        });
        var body = await JsonAsync(created);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal((true, "Organization created"), ((bool)body["success"]!, (string?)body["message"]));
        var org = body["org"]!;
        var orgId = (string)org["org_id"]!;
        Assert.True(Guid.TryParseExact(orgId, "D", out _));
        Assert.Equal(("Acme", "acme", "research"), ((string?)org["name"], (string?)org["external_org_id"], (string?)org["entitlements"]![0]!["billing_feature_id"]));

        using var byId = await _h.SendAsync(HttpMethod.Get, $"{Root}/organization?org_id={orgId}", _token);
        using var byExternal = await _h.SendAsync(HttpMethod.Get, $"{Root}/organization?external_org_id=acme", _token);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (byId.StatusCode, byExternal.StatusCode));
        Assert.Equal(org.ToJsonString(), (await JsonAsync(byId))["org"]!.ToJsonString());
        Assert.Equal(org.ToJsonString(), (await JsonAsync(byExternal))["org"]!.ToJsonString());
    }

    [Fact]
    public async Task Create_then_adopt_on_409_never_duplicates()
    {
        var orgBody = new JsonObject { ["external_org_id"] = "dup", ["name"] = "Dup" };
        using var first = await _h.SendAsync(HttpMethod.Put, $"{Root}/organization", _token, orgBody);
        var orgId = (string)(await JsonAsync(first))["org"]!["org_id"]!;

        using var again = await _h.SendAsync(HttpMethod.Put, $"{Root}/organization", _token, orgBody.DeepClone());
        var conflict = await JsonAsync(again);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.False((bool)conflict["success"]!);
        Assert.False(string.IsNullOrEmpty((string?)conflict["message"]));

        using var adopt = await _h.SendAsync(HttpMethod.Get, $"{Root}/organization?external_org_id=dup", _token);
        Assert.Equal(orgId, (string?)(await JsonAsync(adopt))["org"]!["org_id"]);

        var stats = _h.Emulator.GetStats();
        Assert.Equal((1L, 1L), (stats.Creates.Org, stats.Conflicts));
    }

    [Fact]
    public async Task Workspace_and_user_chain_and_org_and_workspace_conflicts()
    {
        var workspaceId = await _h.CreateWorkspaceAsync(_token, "chain");
        using var user = await _h.SendAsync(HttpMethod.Put, $"{Root}/user", _token, new JsonObject
        {
            ["workspace_id"] = workspaceId, ["external_user_id"] = "user-1", ["name"] = "Ada",
        });
        var created = await JsonAsync(user);
        Assert.Equal(HttpStatusCode.Created, user.StatusCode);
        Assert.Equal((workspaceId, "user-1"), ((string?)created["user"]!["workspace_id"], (string?)created["user"]!["external_user_id"]));

        using var duplicateUser = await _h.SendAsync(HttpMethod.Put, $"{Root}/user", _token, new JsonObject
        {
            ["workspace_id"] = workspaceId, ["external_user_id"] = "user-1",
        });
        Assert.Equal(HttpStatusCode.Conflict, duplicateUser.StatusCode);

        using var duplicatePair = await _h.SendAsync(HttpMethod.Put, $"{Root}/organization-and-workspace", _token, new JsonObject
        {
            ["external_org_id"] = "org-new", ["external_workspace_id"] = "ws-chain",
        });
        Assert.Equal(HttpStatusCode.Conflict, duplicatePair.StatusCode);

        var stats = _h.Emulator.GetStats();
        Assert.Equal(new EmulatorCreateCounts(1, 1, 1), stats.Creates);
        Assert.Equal(2, stats.Conflicts);
    }

    [Fact]
    public async Task Not_found_is_404_with_the_failure_envelope()
    {
        using var response = await _h.SendAsync(HttpMethod.Get, $"{Root}/user?user_id={Guid.NewGuid()}", _token);
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False((bool)body["success"]!);
    }

    [Theory]
    [InlineData("workspace", "{\"name\":\"no org\"}", "org_id", "missing")]
    [InlineData("workspace", "{\"org_id\":\"not-a-uuid\"}", "org_id", "uuid_parsing")]
    [InlineData("workspace", "{\"org_id\":\"0b8a3a8e-2f3c-4d7e-9a55-1c2d3e4f5a6b\"}", "org_id", "value_error")]
    [InlineData("user", "{\"workspace_id\":\"0b8a3a8e-2f3c-4d7e-9a55-1c2d3e4f5a6b\"}", "workspace_id", "value_error")]
    [InlineData("organization", "{\"email\":\"not-an-email\"}", "email", "value_error")]
    [InlineData("organization", "{\"name\":42}", "name", "string_type")]
    [InlineData("organization", "{\"entitlements\":[{\"id\":\"x\"}]}", "entitlements", "missing")]
    public async Task Invalid_create_bodies_are_422_with_detail(string entity, string json, string field, string type)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Root}/{entity}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", _token);
        using var response = await _h.Http.SendAsync(request);
        var detail = (await JsonAsync(response))["detail"]![0]!;

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(("body", field, type), ((string?)detail["loc"]![0], (string?)detail["loc"]![1], (string?)detail["type"]));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public async Task Malformed_json_is_422(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Root}/organization") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", _token);
        using var response = await _h.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("body", (string?)(await JsonAsync(response))["detail"]![0]!["loc"]![0]);
    }

    [Theory]
    [InlineData("organization")]
    [InlineData("organization?org_id=6f1c1b7e-3d1e-4c47-9a0e-0d9f2a6c1b11&external_org_id=x")]
    [InlineData("organization?org_id=nope")]
    [InlineData("workspace?external_workspace_id=")]
    public async Task Get_needs_exactly_one_valid_id_else_422(string pathAndQuery)
    {
        using var response = await _h.SendAsync(HttpMethod.Get, $"{Root}/{pathAndQuery}", _token);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task A_huge_body_is_400_and_nothing_is_created()
    {
        using var response = await _h.SendAsync(HttpMethod.Put, $"{Root}/organization", _token, new JsonObject { ["name"] = new string('x', 70_000) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, _h.Emulator.GetStats().Creates.Org);
    }

    [Fact]
    public async Task Missing_unknown_or_expired_tokens_are_401_with_a_bearer_challenge()
    {
        using var none = await _h.SendAsync(HttpMethod.Get, $"{Root}/organization?external_org_id=a", null);
        using var unknown = await _h.SendAsync(HttpMethod.Get, $"{Root}/organization?external_org_id=a", "made-up-token");
        _h.Time!.Advance(TimeSpan.FromSeconds(3600));
        using var expired = await _h.SendAsync(HttpMethod.Get, $"{Root}/organization?external_org_id=a", _token);

        foreach (var response in new[] { none, unknown, expired })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.False((bool)(await JsonAsync(response))["success"]!);
        }
    }

    [Fact]
    public async Task Tokens_without_account_management_are_403_with_a_bearer_challenge()
    {
        var userId = await _h.CreateUserAsync(_token, "u-403");
        var userToken = await _h.TokenAsync(userId);
        var analyticsToken = await _h.ManagementTokenAsync(scope: "analytics");

        foreach (var token in new[] { userToken, analyticsToken })
        {
            using var response = await _h.SendAsync(HttpMethod.Put, $"{Root}/organization", token, new JsonObject());
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        // Only the organization made by CreateUserAsync exists.
        Assert.Equal(1, _h.Emulator.GetStats().Creates.Org);
    }

    [Fact]
    public async Task Another_partners_entity_is_403_by_id_and_invisible_by_external_id()
    {
        var workspaceOfB = await _h.CreateWorkspaceAsync(await _h.ManagementTokenAsync(ClientB), "b");

        using var byId = await _h.SendAsync(HttpMethod.Get, $"{Root}/workspace?workspace_id={workspaceOfB}", _token);
        Assert.Equal(HttpStatusCode.Forbidden, byId.StatusCode);
        Assert.Equal("Bearer", byId.Headers.WwwAuthenticate.Single().Scheme);

        using var patch = await _h.SendAsync(HttpMethod.Patch, $"{Root}/workspace?workspace_id={workspaceOfB}", _token, new JsonObject { ["name"] = "hijack" });
        Assert.Equal(HttpStatusCode.Forbidden, patch.StatusCode);

        using var byExternal = await _h.SendAsync(HttpMethod.Get, $"{Root}/workspace?external_workspace_id=ws-b", _token);
        Assert.Equal(HttpStatusCode.NotFound, byExternal.StatusCode);

        // A parent of another partner is unknown to this one.
        using var user = await _h.SendAsync(HttpMethod.Put, $"{Root}/user", _token, new JsonObject { ["workspace_id"] = workspaceOfB });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, user.StatusCode);

        // External IDs are unique per partner only.
        using var sameExternal = await _h.SendAsync(HttpMethod.Put, $"{Root}/organization", _token, new JsonObject { ["external_org_id"] = "org-b" });
        Assert.Equal(HttpStatusCode.Created, sameExternal.StatusCode);
    }

    [Fact]
    public async Task Patch_changes_given_fields_only_and_refuses_moves_and_taken_external_ids()
    {
        var workspaceId = await _h.CreateWorkspaceAsync(_token, "p1");
        await _h.CreateWorkspaceAsync(_token, "p2");
        using var user = await _h.SendAsync(HttpMethod.Put, $"{Root}/user", _token, new JsonObject
        {
            ["workspace_id"] = workspaceId, ["external_user_id"] = "pu", ["name"] = "Before", ["email"] = "pu@example.com",
        });
        var userId = (string)(await JsonAsync(user))["user"]!["user_id"]!;

        using var patched = await _h.SendAsync(HttpMethod.Patch, $"{Root}/user?external_user_id=pu", _token, new JsonObject { ["name"] = "After", ["email"] = null });
        var body = await JsonAsync(patched);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(("After", "pu@example.com", userId), ((string?)body["user"]!["name"], (string?)body["user"]!["email"], (string?)body["user"]!["user_id"]));

        var otherWorkspace = (string)(await JsonAsync(await _h.SendAsync(HttpMethod.Get, $"{Root}/workspace?external_workspace_id=ws-p2", _token)))["workspace"]!["workspace_id"]!;
        using var move = await _h.SendAsync(HttpMethod.Patch, $"{Root}/user?user_id={userId}", _token, new JsonObject { ["workspace_id"] = otherWorkspace });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, move.StatusCode);

        using var taken = await _h.SendAsync(HttpMethod.Patch, $"{Root}/workspace?external_workspace_id=ws-p1", _token, new JsonObject { ["external_workspace_id"] = "ws-p2" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.StatusCode);

        using var renamed = await _h.SendAsync(HttpMethod.Patch, $"{Root}/organization?external_org_id=org-p1", _token, new JsonObject { ["external_org_id"] = "org-renamed" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        using var oldName = await _h.SendAsync(HttpMethod.Get, $"{Root}/organization?external_org_id=org-p1", _token);
        using var newName = await _h.SendAsync(HttpMethod.Get, $"{Root}/organization?external_org_id=org-renamed", _token);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.OK), (oldName.StatusCode, newName.StatusCode));
    }
}
