using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace BoostedGrains.Emulator.Tests.Infrastructure;

/// <summary>An emulator on a loopback port with two partners whose JWKS are served over real HTTP.
/// Partner A signs with RSA key A (RS256); partner B with EC key B (ES256).</summary>
public sealed class EmulatorHarness : IAsyncDisposable
{
    public const string ClientA = "partner-a";
    public const string SecretA = "secret-a-3f9c";
    public const string ClientB = "partner-b";
    public const string SecretB = "secret-b-77d1";
    public const string Grant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string JwtType = "urn:ietf:params:oauth:token-type:jwt";

    private EmulatorHarness(JwksServer jwksA, JwksServer jwksB, BoostedEmulatorServer emulator, FakeTimeProvider? time, CapturingLoggerProvider logs)
    {
        JwksA = jwksA;
        JwksB = jwksB;
        Emulator = emulator;
        Time = time;
        Logs = logs;
        Http = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public JwksServer JwksA { get; }

    public JwksServer JwksB { get; }

    public BoostedEmulatorServer Emulator { get; }

    /// <summary>The emulator's clock when the harness was started with fake time, else null.</summary>
    public FakeTimeProvider? Time { get; }

    public CapturingLoggerProvider Logs { get; }

    public HttpClient Http { get; }

    public DateTimeOffset Now => Time?.GetUtcNow() ?? DateTimeOffset.UtcNow;

    public string Audience => Emulator.TokenEndpoint.ToString();

    public static async Task<EmulatorHarness> StartAsync(Action<EmulatorOptions>? configure = null, bool fakeTime = true)
    {
        var jwksA = await JwksServer.StartAsync(TestKey.RsaA);
        var jwksB = await JwksServer.StartAsync(TestKey.EcB);
        var options = new EmulatorOptions
        {
            Partners =
            [
                new EmulatorPartner { ClientId = ClientA, ClientSecret = SecretA, JwksUri = jwksA.Uri },
                new EmulatorPartner { ClientId = ClientB, ClientSecret = SecretB, JwksUri = jwksB.Uri },
            ],
        };
        configure?.Invoke(options);
        var time = fakeTime ? new FakeTimeProvider(DateTimeOffset.UtcNow) : null;
        var logs = new CapturingLoggerProvider();
        var emulator = await BoostedEmulatorServer.StartAsync(options, loggerProvider: logs, time: time);
        return new EmulatorHarness(jwksA, jwksB, emulator, time, logs);
    }

    /// <summary>A valid assertion of partner A (or B), signed with that partner's default key unless one is given.</summary>
    public Assertion NewAssertion(string subject, string client = ClientA, TestKey? key = null) =>
        Assertion.Valid(key ?? (client == ClientA ? TestKey.RsaA : TestKey.EcB), client, subject, Audience, Now);

    public Task<HttpResponseMessage> ExchangeAsync(string assertion, string? scope = null, string client = ClientA, string? secret = null)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("grant_type", Grant),
            new("subject_token", assertion),
            new("subject_token_type", JwtType),
            new("client_id", client),
            new("client_secret", secret ?? (client == ClientA ? SecretA : SecretB)),
        };
        if (scope is not null)
        {
            fields.Add(new("scope", scope));
        }

        return PostFormAsync(fields);
    }

    public Task<HttpResponseMessage> PostFormAsync(IEnumerable<KeyValuePair<string, string>> fields) =>
        Http.PostAsync("oauth2/token", new FormUrlEncodedContent(fields));

    /// <summary>Exchanges a fresh assertion for <paramref name="subject"/> and returns the access token; fails the test otherwise.</summary>
    public async Task<string> TokenAsync(string subject, string? scope = null, string client = ClientA)
    {
        using var response = await ExchangeAsync(NewAssertion(subject, client).Sign(), scope, client);
        var body = await JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return (string)body["access_token"]!;
    }

    public Task<string> ManagementTokenAsync(string client = ClientA, string? scope = null) => TokenAsync(client, scope, client);

    /// <summary>Creates an organization with one workspace and returns the workspace ID.</summary>
    public async Task<string> CreateWorkspaceAsync(string managementToken, string externalSuffix)
    {
        using var response = await SendAsync(HttpMethod.Put, "v2/account-management/organization-and-workspace", managementToken, new JsonObject
        {
            ["external_org_id"] = "org-" + externalSuffix,
            ["external_workspace_id"] = "ws-" + externalSuffix,
            ["org_name"] = "Org " + externalSuffix,
            ["workspace_name"] = "Workspace " + externalSuffix,
        });
        var body = await JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return (string)body["workspace"]!["workspace_id"]!;
    }

    /// <summary>Creates a user in a new workspace and returns the Boosted user ID.</summary>
    public async Task<string> CreateUserAsync(string managementToken, string externalUserId)
    {
        var workspaceId = await CreateWorkspaceAsync(managementToken, externalUserId);
        using var response = await SendAsync(HttpMethod.Put, "v2/account-management/user", managementToken, new JsonObject
        {
            ["workspace_id"] = workspaceId,
            ["external_user_id"] = externalUserId,
            ["email"] = $"{externalUserId}@example.com",
        });
        var body = await JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return (string)body["user"]!["user_id"]!;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, JsonNode? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return Http.SendAsync(request);
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text)?.AsObject() ?? throw new InvalidOperationException("empty body");
    }

    /// <summary>Asserts status and OAuth error code exactly.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var body = await JsonAsync(response);
        Assert.Equal((status, error), (response.StatusCode, (string?)body["error"]));
        Assert.False(string.IsNullOrEmpty((string?)body["error_description"]));
    }

    /// <summary>Polls the stats until the condition holds: the emulator's own counters are the synchronization point.</summary>
    public async Task WaitForStatsAsync(Func<EmulatorStats, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition(Emulator.GetStats()))
        {
            Assert.True(DateTime.UtcNow < deadline, "the emulator's stats never reached the expected state");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
        await JwksA.DisposeAsync();
        await JwksB.DisposeAsync();
    }
}
