using System.Web;
using BoostedGrains.Errors;
using Microsoft.AspNetCore.Http;

namespace BoostedGrains.Tests.Tokens;

public sealed class BoostedTokenClientTests
{
    private const string Assertion = "eyJhbGciOiJSUzI1NiJ9.assertion-body.signature";
    private const string TokenJson = """{"access_token":"tok-1","expires_in":3600,"token_type":"Bearer","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","scope":"thread"}""";

    [Fact]
    public async Task A_503_is_retried_once_and_the_exchange_succeeds_with_the_spec_form()
    {
        await using var server = await ScriptedHttpServer.StartNthAsync((n, context) =>
            n == 0 ? ScriptedHttpServer.Json(context, 503, "{}") : ScriptedHttpServer.Json(context, 200, TokenJson));
        await using var harness = new ClientHarness(server.Url);
        var before = DateTimeOffset.UtcNow;

        var token = await harness.Tokens.ExchangeAsync(Assertion, "thread");

        Assert.Equal("tok-1", token.Value);
        Assert.Equal("thread", token.Scope);
        Assert.InRange(token.ExpiresAt, before.AddSeconds(3600), DateTimeOffset.UtcNow.AddSeconds(3600));
        Assert.Equal(2, server.Requests.Count);
        var request = server.Requests[1];
        Assert.Equal(("POST", "/oauth2/token"), (request.Method, request.Path));
        var form = HttpUtility.ParseQueryString(request.Body);
        Assert.Equal("urn:ietf:params:oauth:grant-type:token-exchange", form["grant_type"]);
        Assert.Equal(Assertion, form["subject_token"]);
        Assert.Equal("urn:ietf:params:oauth:token-type:jwt", form["subject_token_type"]);
        Assert.Equal("partner-client", form["client_id"]);
        Assert.Equal(ClientHarness.ClientSecret, form["client_secret"]);
        Assert.Equal("thread", form["scope"]);
        Assert.Equal(6, form.Count);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_no_sooner_than_Boosted_asked()
    {
        await using var server = await ScriptedHttpServer.StartNthAsync((n, context) =>
        {
            if (n > 0)
                return ScriptedHttpServer.Json(context, 200, TokenJson);
            context.Response.Headers.RetryAfter = "1";
            return ScriptedHttpServer.Json(context, 429, """{"error":"rate_limited"}""");
        });
        await using var harness = new ClientHarness(server.Url);

        var token = await harness.Tokens.ExchangeAsync(Assertion, "thread");

        Assert.Equal("tok-1", token.Value);
        Assert.Equal(2, server.Requests.Count);
        // Server-side arrival times: a lower bound that no scheduling delay in the test can fake.
        Assert.True(server.Requests[1].At - server.Requests[0].At >= TimeSpan.FromMilliseconds(990),
            $"retried after {(server.Requests[1].At - server.Requests[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_429_asking_for_longer_than_the_call_may_last_fails_at_once_with_Retry_After()
    {
        await using var server = await ScriptedHttpServer.StartAsync((_, context) =>
        {
            context.Response.Headers.RetryAfter = "120";
            return ScriptedHttpServer.Json(context, 429, """{"error":"rate_limited"}""");
        });
        await using var harness = new ClientHarness(server.Url);

        var error = await Assert.ThrowsAsync<BoostedUnavailableException>(() => harness.Tokens.ExchangeAsync(Assertion, "thread"));

        Assert.Equal(429, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(400, "invalid_grant", "Jwks__PublicUrl")]
    [InlineData(401, "invalid_client", "Boosted__ClientSecret")]
    [InlineData(400, "invalid_scope", "Boosted__UserScope")]
    [InlineData(400, "invalid_request", "Boosted__ClientId")]
    public async Task A_refusal_is_a_BoostedAuthException_that_names_the_fix_and_no_secret(int status, string code, string setting)
    {
        // The description echoes the request, as some verifiers do: none of it may reach the exception.
        await using var server = await ScriptedHttpServer.StartAsync((request, context) =>
            ScriptedHttpServer.Json(context, status, $$"""{"error":"{{code}}","error_description":"bad: {{HttpUtility.ParseQueryString(request.Body)["subject_token"]}} {{ClientHarness.ClientSecret}}"}"""));
        await using var harness = new ClientHarness(server.Url);

        var error = await Assert.ThrowsAsync<BoostedAuthException>(() => harness.Tokens.ExchangeAsync(Assertion, "thread"));

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(status, error.StatusCode);
        Assert.Contains(setting, error.Message);
        Assert.Single(server.Requests);
        foreach (var secret in new[] { Assertion, ClientHarness.ClientSecret, "bad:" })
            Assert.DoesNotContain(secret, error.ToString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"expires_in":3600}""")]
    [InlineData("""{"access_token":"","expires_in":3600}""")]
    [InlineData("""{"access_token":"tok","expires_in":-5}""")]
    [InlineData("""{"access_token":"tok","expires_in":"soon"}""")]
    public async Task A_malformed_200_body_is_a_typed_error(string body)
    {
        await using var server = await ScriptedHttpServer.StartAsync((_, context) => ScriptedHttpServer.Json(context, 200, body));
        await using var harness = new ClientHarness(server.Url);

        var error = await Assert.ThrowsAsync<BoostedRequestException>(() => harness.Tokens.ExchangeAsync(Assertion, "thread"));

        Assert.Equal("invalid_response", error.ErrorCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task An_outage_opens_the_circuit_and_later_calls_fail_fast_without_reaching_Boosted()
    {
        await using var server = await ScriptedHttpServer.StartAsync((_, context) => ScriptedHttpServer.Json(context, 503, "{}"));
        await using var harness = new ClientHarness(server.Url, new Dictionary<string, string?>
        {
            ["Boosted:MaxRetries"] = "1",
            ["Boosted:BreakerMinimumThroughput"] = "2",
            ["Boosted:BreakDuration"] = "00:01:00",
        });

        var first = await Assert.ThrowsAsync<BoostedUnavailableException>(() => harness.Tokens.ExchangeAsync(Assertion, "thread"));
        var second = await Assert.ThrowsAsync<BoostedUnavailableException>(() => harness.Tokens.ExchangeAsync(Assertion, "thread"));
        var third = await Assert.ThrowsAsync<BoostedUnavailableException>(() => harness.Tokens.ExchangeAsync(Assertion, "thread"));

        Assert.Equal(503, first.StatusCode);
        Assert.Contains("circuit open", second.Message);
        Assert.Contains("circuit open", third.Message);
        Assert.Null(second.StatusCode);
        // The first call's try and retry reached Boosted; nothing after the circuit opened did.
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task An_unreachable_Boosted_is_unavailable()
    {
        Uri closed;
        await using (var server = await ScriptedHttpServer.StartAsync((_, context) => ScriptedHttpServer.Json(context, 200, TokenJson)))
            closed = server.Url;
        await using var harness = new ClientHarness(closed, new Dictionary<string, string?> { ["Boosted:MaxRetries"] = "2" });

        var error = await Assert.ThrowsAsync<BoostedUnavailableException>(() => harness.Tokens.ExchangeAsync(Assertion, "thread"));

        Assert.Contains("could not be reached", error.Message);
        Assert.DoesNotContain(ClientHarness.ClientSecret, error.ToString());
    }
}
