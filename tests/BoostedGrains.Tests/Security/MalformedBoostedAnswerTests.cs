using BoostedGrains.Errors;
using BoostedGrains.Tests.Tokens;
using Microsoft.AspNetCore.Http;

namespace BoostedGrains.Tests.Security;

/// <summary>
/// Bad input from Boosted's side (BoostedTokenClientTests holds five more: not JSON, no/empty access_token, negative
/// and string expires_in): each answer is a typed error that repeats none of the body, and nothing is retried.
/// </summary>
public sealed class MalformedBoostedAnswerTests
{
    [Theory]
    [InlineData(200, "null", "application/json")]
    [InlineData(200, "", "application/json")]
    [InlineData(200, """{"access_token":12345,"expires_in":3600}""", "application/json")]
    [InlineData(200, """{"access_token":"Zq9x\r\nX-Injected: 1","expires_in":3600}""", "application/json")]
    [InlineData(200, """{"access_token":"Zq9x with spaces","expires_in":3600}""", "application/json")]
    [InlineData(200, """{"access_token":"Zq9x","expires_in":99999999999}""", "application/json")]
    [InlineData(200, "<html><body>Welcome to the captive portal</body></html>", "text/html")]
    [InlineData(200, """{"access_token":"Zq9x","expires_in":3600""", "application/json")]
    public async Task A_malformed_success_is_a_typed_request_error_quoting_nothing(int status, string body, string contentType)
    {
        await using var server = await ScriptedHttpServer.StartAsync(async (_, context) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
        });
        await using var harness = new ClientHarness(server.Url);

        var error = await Assert.ThrowsAsync<BoostedRequestException>(() => harness.Tokens.ExchangeAsync("a.b.c", "thread"));

        Assert.Equal(("invalid_response", 200), (error.ErrorCode, error.StatusCode));
        Assert.Single(server.Requests);
        Assert.DoesNotContain("Zq9x", error.Message);
        Assert.DoesNotContain("portal", error.Message);
    }

    [Theory]
    [InlineData(400, """{"error":"invalid_grant","error_description":"assertion eyJhbGciOi.secret.sig was replayed"}""")]
    [InlineData(401, """{"error":"<script>alert(1)</script>"}""")]
    [InlineData(400, "not json at all")]
    [InlineData(418, """{"error":"teapot"}""")]
    public async Task A_refusal_with_an_odd_body_is_typed_and_never_echoes_Boosteds_text(int status, string body)
    {
        await using var server = await ScriptedHttpServer.StartAsync((_, context) => ScriptedHttpServer.Json(context, status, body));
        await using var harness = new ClientHarness(server.Url);

        var error = await Assert.ThrowsAnyAsync<BoostedException>(() => harness.Tokens.ExchangeAsync("a.b.c", "thread"));

        Assert.Equal(status, error.StatusCode);
        Assert.Single(server.Requests);
        Assert.DoesNotContain("eyJ", error.Message);
        Assert.DoesNotContain("<script>", error.Message);
        Assert.DoesNotContain("teapot", error.Message);
    }
}
