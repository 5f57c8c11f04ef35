using System.Net.Http.Json;
using System.Net;
using BoostedGrains.Client;
using BoostedGrains.Errors;
using BoostedGrains.Testing;
using BoostedGrains.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Integration.Tests.Client;

public sealed class BoostedUserTokenHandlerTests(ExpiringBoostedFixture fixture) : IClassFixture<ExpiringBoostedFixture>
{
    private static string NewUser(string kind) => $"{kind}-{Guid.NewGuid():N}";

    private long Exchanges(string boostedUserId) => fixture.Emulator.GetStats().Exchanges.GetValueOrDefault(boostedUserId);

    private long Unauthorized() => fixture.Emulator.GetStats().Failures.GetValueOrDefault("401");

    private async Task<string> BoostedUserIdAsync(string user) =>
        (await fixture.Silo.Grains.GetUserTokenGrain(user).GetStatusAsync()).BoostedUserId!;

    [Fact]
    public async Task Many_concurrent_401s_cause_one_renewal_and_every_request_is_retried_once()
    {
        fixture.User.UserId = NewUser("concurrent");
        var boosted = fixture.Boosted();
        using (var created = await boosted.PostAsJsonAsync("v2/threads", new { thread_name = "first" }))
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var boostedUserId = await BoostedUserIdAsync(fixture.User.UserId);
        var unauthorizedBefore = Unauthorized();

        fixture.ExpireIssuedTokens();
        fixture.Gate.Arm(20);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => boosted.GetAsync("v2/threads")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
            Assert.Contains("\"thread_name\":\"first\"", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, Exchanges(boostedUserId));
        Assert.Equal(20, Unauthorized() - unauthorizedBefore);
    }

    [Fact]
    public async Task A_401_to_a_POST_is_reported_but_not_resent_unless_POST_is_configured()
    {
        fixture.User.UserId = NewUser("post");
        using (var first = await fixture.Boosted().GetAsync("v2/threads"))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var boostedUserId = await BoostedUserIdAsync(fixture.User.UserId);

        fixture.ExpireIssuedTokens();
        using var refused = await fixture.Boosted().PostAsJsonAsync("v2/threads", new { thread_name = "not resent" });
        using var next = await fixture.Boosted().PostAsJsonAsync("v2/threads", new { thread_name = "with the renewed token" });
        fixture.ExpireIssuedTokens();
        using var retried = await fixture.Boosted("boosted-post-retry").PostAsJsonAsync("v2/threads", new { thread_name = "resent" });
        var names = await fixture.Boosted().GetStringAsync("v2/threads");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.OK), (refused.StatusCode, next.StatusCode, retried.StatusCode));
        Assert.DoesNotContain("not resent", names);
        Assert.Contains("with the renewed token", names);
        Assert.Contains("\"resent\"", names);
        Assert.Equal(3, Exchanges(boostedUserId));
    }

    [Fact]
    public async Task Without_a_user_or_a_token_the_request_is_never_sent()
    {
        var unauthorizedBefore = Unauthorized();
        var requestsBefore = fixture.Emulator.GetStats().TokenRequests;

        fixture.User.UserId = null;
        var noUser = await Assert.ThrowsAsync<BoostedTokenUnavailableException>(() => fixture.Boosted().GetAsync("v2/threads"));
        fixture.User.UserId = "bad\u0001user";
        var badUser = await Assert.ThrowsAsync<BoostedTokenUnavailableException>(() => fixture.Boosted().GetAsync("v2/threads"));

        Assert.Contains("No current user", noUser.Message);
        Assert.IsType<InvalidUserIdException>(badUser.InnerException);
        Assert.Equal(unauthorizedBefore, Unauthorized());
        Assert.Equal(requestsBefore, fixture.Emulator.GetStats().TokenRequests);
    }

    [Fact]
    public async Task The_provider_gives_the_grain_token_and_a_report_renews_it_once()
    {
        var user = NewUser("provider");
        var provider = fixture.AppServer.Services.GetRequiredService<IBoostedTokenProvider>();

        var first = await provider.GetTokenAsync(user);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => provider.ReportRejectedAsync(user, first)));
        var second = await provider.GetTokenAsync(user);

        Assert.NotEqual(first.Value, second.Value);
        Assert.Equal(2, Exchanges(await BoostedUserIdAsync(user)));
    }

    [Fact]
    public async Task A_request_to_a_host_that_is_not_Boosteds_is_not_sent_and_no_token_is_fetched_for_it()
    {
        await using var other = await OtherServer.StartAsync();
        fixture.User.UserId = NewUser("elsewhere");
        var tokenRequestsBefore = fixture.Emulator.GetStats().TokenRequests;

        var error = await Assert.ThrowsAsync<BoostedHostNotAllowedException>(() => fixture.Boosted().GetAsync(new Uri(other.Url, "v2/threads")));

        Assert.StartsWith($"The request to {other.Url.GetLeftPart(UriPartial.Authority)} was not sent: Boosted tokens go only to 127.0.0.1, sandbox.api.boosted.ai.", error.Message);
        Assert.Equal(0, other.Hits);
        Assert.Equal(tokenRequestsBefore, fixture.Emulator.GetStats().TokenRequests);
    }

    [Fact]
    public async Task A_host_added_to_AllowedHosts_receives_the_users_token()
    {
        await using var other = await OtherServer.StartAsync();
        fixture.User.UserId = NewUser("allowed");

        using var response = await fixture.Boosted(ExpiringBoostedFixture.OtherHostAllowed).GetAsync(new Uri(other.Url, "v2/threads"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, other.Hits);
        Assert.StartsWith("Bearer ", other.LastAuthorization);
    }

    /// <summary>A real server on <see cref="ExpiringBoostedFixture.OtherHost"/> that counts the requests it receives.</summary>
    private sealed class OtherServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _hits;

        private OtherServer(WebApplication app, Uri url) => (_app, Url) = (app, url);

        public Uri Url { get; }

        public int Hits => Volatile.Read(ref _hits);

        public string? LastAuthorization { get; private set; }

        public static async Task<OtherServer> StartAsync()
        {
            var url = new Uri($"http://{ExpiringBoostedFixture.OtherHost}:{FreePort.Next()}/");
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls(url.ToString());
            var app = builder.Build();
            var server = new OtherServer(app, url);
            app.Run(context =>
            {
                server.LastAuthorization = context.Request.Headers.Authorization.ToString();
                Interlocked.Increment(ref server._hits);
                return context.Response.WriteAsync("{}");
            });
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
