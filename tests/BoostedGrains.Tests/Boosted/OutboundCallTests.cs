using BoostedGrains.Errors;
using BoostedGrains.Tests.Tokens;
using Microsoft.AspNetCore.Http;

namespace BoostedGrains.Tests.Boosted;

/// <summary>
/// Calls to Boosted cannot be turned elsewhere: a redirect is never followed (the token request carries the client
/// secret) and an answer past the size cap is refused, each as a typed error, over real HTTP to local servers.
/// </summary>
public sealed class OutboundCallTests
{
    private const string TokenJson = """{"access_token":"tok-1","expires_in":3600}""";

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirecting_token_endpoint_is_not_followed_and_the_exchange_fails_with_a_typed_error(int status)
    {
        // The redirect's target answers a token, so a followed redirect would succeed: only the hit count and the error tell.
        await using var elsewhere = await ScriptedHttpServer.StartAsync((_, context) => ScriptedHttpServer.Json(context, 200, TokenJson));
        await using var boosted = await ScriptedHttpServer.StartAsync((_, context) =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = new Uri(elsewhere.Url, "oauth2/token").ToString();
            return Task.CompletedTask;
        });
        await using var harness = new ClientHarness(boosted.Url);

        var error = await Assert.ThrowsAsync<BoostedRequestException>(() => harness.Tokens.ExchangeAsync("a.b.c", "thread"));

        Assert.Equal(("redirect_refused", status), (error.ErrorCode, error.StatusCode));
        Assert.Contains($"Token exchange: Boosted answered with a redirect (HTTP {status}) to {elsewhere.Url.GetLeftPart(UriPartial.Authority)}", error.Message);
        Assert.Contains("Boosted__BaseUrl", error.Message);
        Assert.DoesNotContain(ClientHarness.ClientSecret, error.Message);
        Assert.Empty(elsewhere.Requests);
        Assert.Single(boosted.Requests);
    }

    [Fact]
    public async Task A_redirecting_account_API_is_not_followed_either()
    {
        await using var elsewhere = await ScriptedHttpServer.StartAsync((_, context) => ScriptedHttpServer.Json(context, 200, """{"org":{"org_id":"o-1"}}"""));
        await using var boosted = await ScriptedHttpServer.StartAsync((_, context) =>
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = new Uri(elsewhere.Url, "v2/account-management/org").ToString();
            return Task.CompletedTask;
        });
        var tokens = new CountingManagementTokens();
        await using var harness = new ClientHarness(boosted.Url, managementTokens: tokens);

        var error = await Assert.ThrowsAsync<BoostedRequestException>(() => harness.Accounts.EnsureOrganizationAsync("acme"));

        Assert.Equal(("redirect_refused", 307), (error.ErrorCode, error.StatusCode));
        Assert.Empty(elsewhere.Requests);
        Assert.Single(boosted.Requests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_answer_over_the_cap_is_refused_unread_with_a_typed_error_and_not_retried(bool announcesLength)
    {
        // 2 MiB: twice the cap, as an answer that says its length and as a chunked one that does not.
        var body = new byte[2 << 20];
        Array.Fill(body, (byte)' ');
        await using var boosted = await ScriptedHttpServer.StartAsync(async (_, context) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            if (announcesLength)
                context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
        });
        await using var harness = new ClientHarness(boosted.Url);

        var error = await Assert.ThrowsAsync<BoostedRequestException>(() => harness.Tokens.ExchangeAsync("a.b.c", "thread"));

        Assert.Equal(("response_too_large", 200), (error.ErrorCode, error.StatusCode));
        Assert.StartsWith("Boosted answered HTTP 200 with a body over 1024 KiB", error.Message);
        Assert.Single(boosted.Requests);
    }

    [Fact]
    public async Task An_answer_just_under_the_cap_is_read()
    {
        var padding = new string(' ', (1 << 20) - TokenJson.Length);
        await using var boosted = await ScriptedHttpServer.StartAsync((_, context) => ScriptedHttpServer.Json(context, 200, TokenJson + padding));
        await using var harness = new ClientHarness(boosted.Url);

        Assert.Equal("tok-1", (await harness.Tokens.ExchangeAsync("a.b.c", "thread")).Value);
    }
}
