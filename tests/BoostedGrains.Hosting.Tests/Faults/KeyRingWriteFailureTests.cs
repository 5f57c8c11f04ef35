using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BoostedGrains.Hosting.Tests.Infrastructure;

namespace BoostedGrains.Hosting.Tests.Faults;

/// <summary>
/// A key-ring change takes effect only once it is stored: a revocation whose write fails is not half-done in memory,
/// so the operator's retry revokes the key for good, also across a restart.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class KeyRingWriteFailureTests(AzuriteServer shared)
{
    private const string AdminKey = "write-failure-admin-key-0123456789abcdef";

    [Fact]
    public async Task A_revocation_that_could_not_be_stored_answers_503_and_its_retry_revokes_the_key_for_good()
    {
        _ = shared; // installs Azurite (npm ci) when missing
        await using var azurite = new RestartableAzurite();
        await azurite.StartAsync();
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite.ConnectionString, silos: 1);
        var admin = new Dictionary<string, string?> { ["Admin__ApiKeys__0"] = AdminKey };
        await cluster.StartSilosAsync(admin);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.Settings.Silos[0].Http}/"), Timeout = TimeSpan.FromMinutes(2) };
        var kid = (await KeysAsync(http)).Single()!["kid"]!.GetValue<string>();

        await azurite.StopAsync();
        using var failed = await SendAsync(http, HttpMethod.Post, $"admin/keys/{kid}/revoke");
        await azurite.StartAsync();
        var statusAfterFailure = (await KeysAsync(http)).Single(k => k!["kid"]!.GetValue<string>() == kid)!["status"]!.GetValue<string>();
        using var retried = await SendAsync(http, HttpMethod.Post, $"admin/keys/{kid}/revoke");

        await cluster.StopSilosAsync();
        await cluster.StartSilosAsync(admin);
        var afterRestart = (await KeysAsync(http)).Single(k => k!["kid"]!.GetValue<string>() == kid)!;
        var jwks = await http.GetStringAsync(".well-known/jwks.json");
        using var token = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "v1/users/after-revoke/token")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", cluster.Settings.ApiKey) },
        });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("Signing", statusAfterFailure);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal("Revoked", afterRestart["status"]!.GetValue<string>());
        Assert.DoesNotContain(kid, jwks);
        // The revoked key signs nothing: with no other eligible key the exchange cannot be signed at all.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, token.StatusCode);
        Assert.Contains("signing_key_unavailable", await token.Content.ReadAsStringAsync());
    }

    private static async Task<JsonArray> KeysAsync(HttpClient http)
    {
        using var response = await SendAsync(http, HttpMethod.Get, "admin/keys");
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["keys"]!.AsArray();
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path) =>
        http.SendAsync(new HttpRequestMessage(method, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdminKey) } });
}
