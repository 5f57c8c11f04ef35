using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BoostedGrains.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Tests.Infrastructure;

/// <summary>Creates entities in the emulator directly, the way the partner's other tools might, with a real management token.</summary>
public sealed class EmulatorAccounts(BoostedCluster boosted) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = boosted.Emulator.BaseUrl };

    public async Task<string> CreateOrganizationAsync(string externalId) =>
        await CreateAsync("organization", new { external_org_id = externalId, name = externalId }, "org", "org_id");

    public async Task<string> CreateWorkspaceAsync(string orgId, string externalId) =>
        await CreateAsync("workspace", new { org_id = orgId, external_workspace_id = externalId, name = externalId }, "workspace", "workspace_id");

    public async Task<string> CreateUserAsync(string workspaceId, string externalId) =>
        await CreateAsync("user", new { workspace_id = workspaceId, external_user_id = externalId }, "user", "user_id");

    /// <summary>The status Boosted answers a user create with the given email (2xx made, 422 refused).</summary>
    public async Task<int> CreateUserWithEmailAsync(string workspaceId, string externalId, string email)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "v2/account-management/user")
        {
            Content = JsonContent.Create(new { workspace_id = workspaceId, external_user_id = externalId, email }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await ManagementTokenAsync());
        using var response = await _http.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>The user with <paramref name="externalId"/> as Boosted holds it (email, name, workspace_id, ...).</summary>
    public async Task<JsonElement> GetUserAsync(string externalId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/account-management/user?external_user_id={Uri.EscapeDataString(externalId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await ManagementTokenAsync());
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("user").Clone();
    }

    private async Task<string> CreateAsync(string path, object body, string entity, string idField)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v2/account-management/{path}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await ManagementTokenAsync());
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty(entity).GetProperty(idField).GetString()!;
    }

    private async Task<string> ManagementTokenAsync()
    {
        var signer = boosted.Cluster.Silos[0].ServiceProvider.GetRequiredService<IAssertionSigner>();
        using var response = await _http.PostAsync("oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = await signer.CreateAssertionAsync(boosted.ClientId),
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["client_id"] = boosted.ClientId,
            ["client_secret"] = boosted.ClientSecret,
            ["scope"] = "account-management",
        }));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public void Dispose() => _http.Dispose();
}
