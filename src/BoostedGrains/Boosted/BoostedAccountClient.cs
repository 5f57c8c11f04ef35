using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BoostedGrains.Diagnostics;
using BoostedGrains.Errors;
using BoostedGrains.Hierarchy;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Boosted;

/// <summary>
/// Boosted's account-management API (docs/boosted-api.md §4). Every ensure is create-first and adopts the existing entity on 409,
/// so repeating it never makes a duplicate.
/// </summary>
public sealed class BoostedAccountClient(
    HttpClient http, IManagementTokenSource managementTokens, BoostedGrainsMetrics metrics, IOptions<BoostedOptions> options, TimeProvider time)
{
    private const string BasePath = "v2/account-management/";

    /// <summary>Creates or adopts the organization with <paramref name="externalOrgId"/>; returns its Boosted <c>org_id</c>.</summary>
    public async Task<string> EnsureOrganizationAsync(string externalOrgId, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["external_org_id"] = externalOrgId, ["name"] = externalOrgId };
        var org = await EnsureAsync("organization", "org", "external_org_id", externalOrgId, body, cancellationToken);
        return Id(org, "org", "org_id");
    }

    /// <summary>Creates or adopts the workspace with <paramref name="externalWorkspaceId"/> in <paramref name="orgId"/>.</summary>
    public async Task<WorkspaceInfo> EnsureWorkspaceAsync(string orgId, string externalWorkspaceId, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["org_id"] = orgId, ["external_workspace_id"] = externalWorkspaceId, ["name"] = externalWorkspaceId };
        var workspace = await EnsureAsync("workspace", "workspace", "external_workspace_id", externalWorkspaceId, body, cancellationToken);
        // An adopted workspace reports the organization it really lives in, which is the one that counts.
        var actualOrg = workspace.TryGetProperty("org_id", out var o) && o.GetString() is { Length: > 0 } id ? id : orgId;
        return new WorkspaceInfo(externalWorkspaceId, Id(workspace, "workspace", "workspace_id"), actualOrg);
    }

    /// <summary>
    /// Creates or adopts the user with <paramref name="externalUserId"/> in <paramref name="workspaceId"/>. An adopted
    /// user reports the workspace it really lives in, which may be another one than asked for.
    /// </summary>
    public async Task<BoostedUser> EnsureUserAsync(string workspaceId, string externalUserId, string? email, string? name, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["workspace_id"] = workspaceId, ["external_user_id"] = externalUserId };
        if (email is not null) body["email"] = email;
        if (name is not null) body["name"] = name;
        var user = await EnsureAsync("user", "user", "external_user_id", externalUserId, body, cancellationToken, profile: true);
        var actualWorkspace = user.TryGetProperty("workspace_id", out var w) && w.GetString() is { Length: > 0 } id ? id : workspaceId;
        return new BoostedUser(Id(user, "user", "user_id"), actualWorkspace);
    }

    /// <summary>Changes the user's email and name in Boosted; a null field is left as it is (PATCH semantics).</summary>
    public async Task UpdateUserAsync(string boostedUserId, string? email, string? name, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject();
        if (email is not null) body["email"] = email;
        if (name is not null) body["name"] = name;
        const string operation = "Update user";
        using var response = await SendAuthorizedAsync(() => new HttpRequestMessage(HttpMethod.Patch, $"{BasePath}user?user_id={Uri.EscapeDataString(boostedUserId)}")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        }, operation, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, operation, cancellationToken, profile: true);
        metrics.Provisioned("user", "updated");
    }

    /// <summary>The partner's external ID of the workspace with Boosted ID <paramref name="workspaceId"/>, or null when it has none.</summary>
    public async Task<string?> GetWorkspaceExternalIdAsync(string workspaceId, CancellationToken cancellationToken = default)
    {
        const string operation = "Get workspace by workspace_id";
        using var response = await SendAuthorizedAsync(() => new HttpRequestMessage(HttpMethod.Get, $"{BasePath}workspace?workspace_id={Uri.EscapeDataString(workspaceId)}"),
            operation, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, operation, cancellationToken);
        var workspace = await EntityAsync(response, "workspace", operation, cancellationToken);
        return workspace.TryGetProperty("external_workspace_id", out var external) && external.GetString() is { Length: > 0 } value ? value : null;
    }

    private async Task<JsonElement> EnsureAsync(string path, string entity, string externalKey, string externalId, JsonObject body, CancellationToken cancellationToken,
        bool profile = false)
    {
        using var activity = BoostedActivitySource.Instance.StartActivity("boostedgrains.provision", ActivityKind.Client);
        activity?.SetTag("boostedgrains.entity", path);
        var outcome = "failed";
        try
        {
            var (result, created) = await CreateOrAdoptAsync(path, entity, externalKey, externalId, body, profile, cancellationToken);
            outcome = created ? "created" : "adopted";
            return result;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            activity?.SetTag("boostedgrains.outcome", outcome);
            metrics.Provisioned(path, outcome);
        }
    }

    private async Task<(JsonElement Entity, bool Created)> CreateOrAdoptAsync(string path, string entity, string externalKey, string externalId, JsonObject body,
        bool profile, CancellationToken cancellationToken)
    {
        var create = $"Create {entity}";
        using (var created = await SendAuthorizedAsync(() => new HttpRequestMessage(HttpMethod.Put, BasePath + path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") }, create, cancellationToken))
        {
            if (created.IsSuccessStatusCode)
                return (await EntityAsync(created, entity, create, cancellationToken), true);
            if (created.StatusCode != HttpStatusCode.Conflict)
                throw await FailureAsync(created, create, cancellationToken, profile);
        }

        // 409: it exists already (an earlier attempt, another silo, or the partner): adopt it.
        var adopt = $"Get {entity} by {externalKey}";
        var query = $"{BasePath}{path}?{externalKey}={Uri.EscapeDataString(externalId)}";
        using var found = await SendAuthorizedAsync(() => new HttpRequestMessage(HttpMethod.Get, query), adopt, cancellationToken);
        if (found.IsSuccessStatusCode)
            return (await EntityAsync(found, entity, adopt, cancellationToken), false);
        throw await FailureAsync(found, adopt, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAuthorizedAsync(Func<HttpRequestMessage> createRequest, string operation, CancellationToken cancellationToken)
    {
        var token = await managementTokens.GetAsync(cancellationToken);
        var response = await SendWithAsync(token, createRequest, operation, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
            return response;

        // The management token expired or was revoked early: drop it and try once more with a fresh one.
        response.Dispose();
        await managementTokens.RejectAsync(token, cancellationToken);
        token = await managementTokens.GetAsync(cancellationToken);
        response = await SendWithAsync(token, createRequest, operation, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
            return response;
        response.Dispose();
        throw new BoostedAuthException(
            $"{operation}: Boosted rejected a freshly obtained management token (HTTP 401): check that Boosted allows your client the account-management scope.",
            "invalid_token", 401);
    }

    private async Task<HttpResponseMessage> SendWithAsync(Tokens.AccessToken token, Func<HttpRequestMessage> createRequest, string operation, CancellationToken cancellationToken)
    {
        using var request = createRequest();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return await BoostedHttp.SendAsync(http, request, operation, cancellationToken);
    }

    private static async Task<JsonElement> EntityAsync(HttpResponseMessage response, string entity, string operation, CancellationToken cancellationToken)
    {
        using var json = await BoostedHttp.ReadJsonAsync(response, cancellationToken);
        if (json?.RootElement is { ValueKind: JsonValueKind.Object } root
            && root.TryGetProperty(entity, out var value) && value.ValueKind == JsonValueKind.Object)
            return value.Clone();
        throw new BoostedRequestException(
            $"{operation}: Boosted answered HTTP {(int)response.StatusCode} without the '{entity}' object; check Boosted__BaseUrl.",
            (int)response.StatusCode, "invalid_response");
    }

    private static string Id(JsonElement entity, string name, string property) =>
        entity.TryGetProperty(property, out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } value
            ? value
            : throw new BoostedRequestException($"Boosted returned a {name} without '{property}'; check Boosted__BaseUrl.", 200, "invalid_response");

    // With profile set, a 400/422 naming only the profile's fields is the caller's input, refused: the caller's error.
    private async Task<Exception> FailureAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken, bool profile = false)
    {
        if (BoostedHttp.IsTransient(response.StatusCode))
            return BoostedHttp.Unavailable(operation, response, options.Value.MaxRetryAfter, time);
        using var json = await BoostedHttp.ReadJsonAsync(response, cancellationToken);
        var status = (int)response.StatusCode;
        if (profile && response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity && ProfileFieldsOnly(json))
            return new InvalidUserProfileException(
                $"Boosted refused the user's profile ({Reason(json)}); correct those fields or leave them out. Nothing was stored.");
        var advice = response.StatusCode switch
        {
            HttpStatusCode.Forbidden => " Check that the management token has the account-management scope and the entity belongs to your client.",
            HttpStatusCode.UnprocessableEntity => " Check the Boosted__Default*__ExternalId settings and the user's profile.",
            _ => "",
        };
        return new BoostedRequestException($"{operation}: Boosted answered HTTP {status}: {Reason(json)}.{advice}", status);
    }

    // True when every 422 detail names body.email or body.name, the fields a caller's profile fills.
    private static bool ProfileFieldsOnly(JsonDocument? json) =>
        json?.RootElement is { ValueKind: JsonValueKind.Object } root
        && root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Array && detail.GetArrayLength() > 0
        && detail.EnumerateArray().All(d => d.ValueKind == JsonValueKind.Object
            && d.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array && loc.GetArrayLength() == 2
            && loc[0].ValueKind == JsonValueKind.String && loc[0].GetString() == "body"
            && loc[1].ValueKind == JsonValueKind.String && loc[1].GetString() is "email" or "name");

    // The envelope's message, or the 422 validation details as "loc: msg".
    private static string Reason(JsonDocument? json)
    {
        if (json?.RootElement is not { ValueKind: JsonValueKind.Object } root)
            return "no reason given";
        if (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Array)
        {
            var parts = detail.EnumerateArray()
                .Where(d => d.ValueKind == JsonValueKind.Object)
                .Select(d => $"{(d.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array ? string.Join('.', loc.EnumerateArray().Select(l => l.ToString())) : "?")}: " +
                             $"{(d.TryGetProperty("msg", out var msg) ? msg.ToString() : "invalid")}");
            return BoostedHttp.Clean(string.Join("; ", parts));
        }
        return BoostedHttp.Clean(root.TryGetProperty("message", out var message) ? message.ToString() : null);
    }
}
