using System.Net;
using System.Text.Json.Nodes;
using BoostedGrains.Emulator.Tests.Infrastructure;
using static BoostedGrains.Emulator.Tests.Infrastructure.EmulatorHarness;

namespace BoostedGrains.Emulator.Tests.Hosting;

public sealed class LoggingTests
{
    [Fact]
    public async Task One_line_per_request_and_never_a_token_assertion_or_secret()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var assertion = h.NewAssertion(ClientA).Sign();
        using var exchange = await h.ExchangeAsync(assertion);
        var token = (string)(await JsonAsync(exchange))["access_token"]!;
        using var replay = await h.ExchangeAsync(assertion);
        using var badSecret = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign(), secret: "wrong-secret-xyz");
        using var garbage = await h.ExchangeAsync("header.payload.signature-secretish");
        using var create = await h.SendAsync(HttpMethod.Put, "v2/account-management/organization?trace=1", token, new JsonObject { ["external_org_id"] = "log" });
        using var unknown = await h.SendAsync(HttpMethod.Get, "v2/threads", "unknown-bearer-value");
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);

        var lines = h.Logs.Lines.ToList();
        foreach (var secret in new[] { SecretA, SecretB, "wrong-secret-xyz", token, assertion, assertion.Split('.')[1], assertion.Split('.')[2], "signature-secretish", "unknown-bearer-value", "trace=1" })
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }

        var requestLines = lines.Where(l => l.Contains("Hosting.EmulatorPipeline", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, requestLines.Count);
        Assert.Contains(requestLines, l => l.Contains("POST /oauth2/token 200 ", StringComparison.Ordinal) && l.EndsWith("ms ", StringComparison.Ordinal));
        Assert.Contains(requestLines, l => l.Contains("PUT /v2/account-management/organization 201 ", StringComparison.Ordinal));
        Assert.Contains(requestLines, l => l.Contains("GET /v2/threads 401 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Startup_names_the_listening_endpoint_and_client_ids_only()
    {
        await using var h = await EmulatorHarness.StartAsync();

        var lines = h.Logs.Lines.ToList();

        Assert.Contains(lines, l => l.Contains($"token endpoint {h.Emulator.TokenEndpoint}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"Partner {ClientA}:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"Partner {ClientB}:", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(SecretA, StringComparison.Ordinal) || l.Contains(SecretB, StringComparison.Ordinal));
    }
}
