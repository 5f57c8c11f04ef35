using BoostedGrains.Errors;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Tokens;

public sealed class UserTokenGrainTests(TokenClusterFixture fixture) : IClassFixture<TokenClusterFixture>
{
    private static string NewUser(string kind) => $"{kind}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Concurrent_first_calls_provision_once_and_exchange_once()
    {
        var user = NewUser("single");
        var grain = fixture.Client.GetUserTokenGrain(user);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => grain.GetAccessTokenAsync()));

        Assert.Single(tokens.Select(t => t.Value).Distinct());
        Assert.Equal(1, fixture.Boosted.Exchanges($"u-{user}"));
        Assert.Equal(1, fixture.Boosted.Creates("user", user));
        Assert.Equal(1, fixture.Boosted.Creates("workspace", "default"));
        Assert.Equal(1, fixture.Boosted.Creates("organization", "default"));
        var status = await grain.GetStatusAsync();
        Assert.True(status.Provisioned);
        Assert.Equal((user, $"u-{user}", "default"), (status.UserId, status.BoostedUserId, status.Workspace));
        Assert.Equal(tokens[0].ExpiresAt, status.ExpiresAt);
        Assert.Null(status.LastError);
    }

    [Fact]
    public async Task Many_reports_of_the_current_token_cause_one_exchange_and_stale_reports_none()
    {
        var user = NewUser("reported");
        var grain = fixture.Client.GetUserTokenGrain(user);
        var first = await grain.GetAccessTokenAsync();

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => grain.ReportRejectedTokenAsync(first.Sha256)));
        var second = await grain.GetAccessTokenAsync();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => grain.ReportRejectedTokenAsync(first.Sha256)));
        var third = await grain.GetAccessTokenAsync();

        Assert.NotEqual(first.Value, second.Value);
        Assert.Equal(second.Value, third.Value);
        Assert.Equal(2, fixture.Boosted.Exchanges($"u-{user}"));
    }

    [Fact]
    public async Task A_refused_exchange_reaches_the_caller_typed_is_recorded_and_is_retried_on_the_next_call()
    {
        var user = NewUser("reject");
        var grain = fixture.Client.GetUserTokenGrain(user);

        var error = await Assert.ThrowsAsync<BoostedAuthException>(() => grain.GetAccessTokenAsync());
        await Assert.ThrowsAsync<BoostedAuthException>(() => grain.GetAccessTokenAsync());

        Assert.Equal(("invalid_grant", 400), (error.ErrorCode, error.StatusCode));
        Assert.Contains("Jwks__PublicUrl", error.Message);
        Assert.Equal(error.Message, (await grain.GetStatusAsync()).LastError);
        Assert.Equal(2, fixture.Boosted.Exchanges($"u-{user}"));
    }

    [Fact]
    public async Task Throttling_reaches_the_caller_as_unavailable_with_its_Retry_After()
    {
        var user = NewUser("throttle");

        var error = await Assert.ThrowsAsync<BoostedUnavailableException>(() => fixture.Client.GetUserTokenGrain(user).GetAccessTokenAsync());

        Assert.Equal((429, TimeSpan.FromSeconds(120)), (error.StatusCode, error.RetryAfter));
        Assert.Equal(1, fixture.Boosted.Exchanges($"u-{user}"));
    }

    [Fact]
    public async Task A_grain_reached_with_an_invalid_key_refuses_every_call()
    {
        var grain = fixture.Client.GetGrain<IUserTokenGrain>("bad\u0001id");

        await Assert.ThrowsAsync<InvalidUserIdException>(() => grain.GetAccessTokenAsync());
        await Assert.ThrowsAsync<InvalidUserIdException>(() => grain.GetStatusAsync());
        await Assert.ThrowsAsync<InvalidUserIdException>(() => grain.ReportRejectedTokenAsync("00"));
        Assert.Equal(0, fixture.Boosted.Creates("user", "bad\u0001id"));
    }

    [Fact]
    public async Task Tokens_in_use_are_renewed_ahead_and_idle_ones_only_when_asked_again()
    {
        // 4 s tokens, renewed from 70 % (2.8 s); a token handed out within the last 1.2 s counts as in use.
        var (active, idle) = (NewUser("short-active"), NewUser("short-idle"));
        var (activeGrain, idleGrain) = (fixture.Client.GetUserTokenGrain(active), fixture.Client.GetUserTokenGrain(idle));
        var activeFirst = await activeGrain.GetAccessTokenAsync();
        var idleFirst = await idleGrain.GetAccessTokenAsync();

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(activeFirst.Value, (await activeGrain.GetAccessTokenAsync()).Value);
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        // The timer at 2.8 s renewed the token used at 2 s, and left the idle one alone.
        Assert.Equal(2, fixture.Boosted.Exchanges($"u-{active}"));
        Assert.Equal(1, fixture.Boosted.Exchanges($"u-{idle}"));
        Assert.NotEqual(activeFirst.Value, (await activeGrain.GetAccessTokenAsync()).Value);

        // Asked again inside its window, the idle user gets its still-valid token at once and a renewal starts.
        Assert.Equal(idleFirst.Value, (await idleGrain.GetAccessTokenAsync()).Value);
        for (var i = 0; i < 50 && fixture.Boosted.Exchanges($"u-{idle}") < 2; i++)
            await Task.Delay(20);
        Assert.Equal(2, fixture.Boosted.Exchanges($"u-{idle}"));
        Assert.Equal(2, fixture.Boosted.Exchanges($"u-{active}"));
    }
}
