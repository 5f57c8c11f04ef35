using System.Net.Http.Json;
using System.Net;
using BoostedGrains.Client;
using BoostedGrains.Errors;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;

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
}
