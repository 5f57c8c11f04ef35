using BoostedGrains.Boosted;
using System.Text.Json;
using BoostedGrains.Errors;

namespace BoostedGrains.Tests.Tokens;

public sealed class BoostedAccountClientTests
{
    [Fact]
    public async Task A_409_on_create_adopts_the_existing_user_found_by_external_id()
    {
        await using var server = await ScriptedHttpServer.StartAsync((request, context) => request.Method == "PUT"
            ? ScriptedHttpServer.Json(context, 409, """{"message":"exists","success":false}""")
            : ScriptedHttpServer.Json(context, 200, """{"message":"ok","success":true,"user":{"user_id":"u-42","workspace_id":"w-1"}}"""));
        var tokens = new CountingManagementTokens();
        await using var harness = new ClientHarness(server.Url, managementTokens: tokens);

        var user = await harness.Accounts.EnsureUserAsync("w-1", "partner user/1", "a@example.com", null);

        Assert.Equal(new BoostedUser("u-42", "w-1"), user);
        Assert.Equal(2, server.Requests.Count);
        var (create, get) = (server.Requests[0], server.Requests[1]);
        Assert.Equal(("PUT", "/v2/account-management/user"), (create.Method, create.Path));
        var body = JsonDocument.Parse(create.Body).RootElement;
        Assert.Equal("w-1", body.GetProperty("workspace_id").GetString());
        Assert.Equal("partner user/1", body.GetProperty("external_user_id").GetString());
        Assert.Equal("a@example.com", body.GetProperty("email").GetString());
        Assert.False(body.TryGetProperty("name", out _));
        Assert.Equal(("GET", "/v2/account-management/user", "?external_user_id=partner%20user%2F1"), (get.Method, get.Path, get.Query));
        Assert.All(server.Requests, r => Assert.Equal("Bearer mgmt-1", r.Authorization));
    }

    [Fact]
    public async Task A_created_workspace_is_returned_without_a_lookup()
    {
        await using var server = await ScriptedHttpServer.StartAsync((_, context) =>
            ScriptedHttpServer.Json(context, 201, """{"message":"created","success":true,"workspace":{"workspace_id":"w-9","org_id":"o-1"}}"""));
        await using var harness = new ClientHarness(server.Url, managementTokens: new CountingManagementTokens());

        var workspace = await harness.Accounts.EnsureWorkspaceAsync("o-1", "acme");

        Assert.Equal(("acme", "w-9", "o-1"), (workspace.ExternalId, workspace.WorkspaceId, workspace.OrgId));
        var request = Assert.Single(server.Requests);
        Assert.Equal(("PUT", "/v2/account-management/workspace"), (request.Method, request.Path));
        Assert.Equal("o-1", JsonDocument.Parse(request.Body).RootElement.GetProperty("org_id").GetString());
    }

    [Fact]
    public async Task A_401_drops_the_management_token_and_retries_once_with_a_fresh_one()
    {
        await using var server = await ScriptedHttpServer.StartAsync((request, context) => request.Authorization == "Bearer mgmt-1"
            ? ScriptedHttpServer.Json(context, 401, """{"message":"expired","success":false}""")
            : ScriptedHttpServer.Json(context, 201, """{"message":"created","success":true,"org":{"org_id":"o-7"}}"""));
        var tokens = new CountingManagementTokens();
        await using var harness = new ClientHarness(server.Url, managementTokens: tokens);

        var orgId = await harness.Accounts.EnsureOrganizationAsync("acme-org");

        Assert.Equal("o-7", orgId);
        Assert.Equal(1, tokens.Rejections);
        Assert.Equal(["Bearer mgmt-1", "Bearer mgmt-2"], server.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task A_second_401_is_an_auth_error_after_exactly_two_tries()
    {
        await using var server = await ScriptedHttpServer.StartAsync((_, context) =>
            ScriptedHttpServer.Json(context, 401, """{"message":"no","success":false}"""));
        var tokens = new CountingManagementTokens();
        await using var harness = new ClientHarness(server.Url, managementTokens: tokens);

        var error = await Assert.ThrowsAsync<BoostedAuthException>(() => harness.Accounts.EnsureOrganizationAsync("acme-org"));

        Assert.Equal(401, error.StatusCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.DoesNotContain("mgmt-", error.Message);
    }

    [Theory]
    [InlineData(422, """{"detail":[{"loc":["body","workspace_id"],"msg":"unknown workspace","type":"value_error"}]}""", "body.workspace_id: unknown workspace")]
    [InlineData(403, """{"message":"belongs to another partner","success":false}""", "belongs to another partner")]
    public async Task A_403_or_422_is_a_request_error_with_Boosted_reason(int status, string body, string reason)
    {
        await using var server = await ScriptedHttpServer.StartAsync((_, context) => ScriptedHttpServer.Json(context, status, body));
        await using var harness = new ClientHarness(server.Url, managementTokens: new CountingManagementTokens());

        var error = await Assert.ThrowsAsync<BoostedRequestException>(() => harness.Accounts.EnsureUserAsync("w-x", "u", null, null));

        Assert.Equal(status, error.StatusCode);
        Assert.Contains(reason, error.Message);
        Assert.Single(server.Requests);
    }
}
