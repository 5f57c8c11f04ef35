using BoostedGrains.Concurrency;
using BoostedGrains.Errors;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Cluster;

/// <summary>docs/design.md rules 1 and 3 on a real two-silo cluster against the emulator: one exchange, not "some".</summary>
public sealed class SingleFlightTests(BoostedCluster boosted) : IClassFixture<BoostedCluster>
{
    [Fact]
    public async Task A_thousand_concurrent_requests_for_a_cold_user_through_every_silo_cause_one_exchange_and_one_create()
    {
        var user = $"cold-{Guid.NewGuid():N}";
        var before = boosted.Emulator.GetStats();
        var entrances = boosted.Entrances;

        var tokens = await Task.WhenAll(Enumerable.Range(0, 1000)
            .Select(i => entrances[i % entrances.Count].GetUserTokenGrain(user).GetAccessTokenAsync()));

        var after = boosted.Emulator.GetStats();
        var status = await boosted.Client.GetUserTokenGrain(user).GetStatusAsync();
        Assert.Single(tokens.Select(token => token.Value).Distinct());
        Assert.Equal(1, after.Exchanges[status.BoostedUserId!]);
        Assert.Equal(1, after.Creates.User - before.Creates.User);
        Assert.Equal(1000, tokens.Length);
    }

    [Fact]
    public async Task Fifty_reports_of_the_same_rejected_token_cause_one_renewal_and_a_report_of_an_older_token_none()
    {
        var user = $"rejected-{Guid.NewGuid():N}";
        var first = await boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync();
        var boostedUserId = (await boosted.Client.GetUserTokenGrain(user).GetStatusAsync()).BoostedUserId!;
        var entrances = boosted.Entrances;

        await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => entrances[i % entrances.Count].GetUserTokenGrain(user).ReportRejectedTokenAsync(first.Sha256)));
        var second = await boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync();
        Assert.Equal(2, boosted.Emulator.GetStats().Exchanges[boostedUserId]);

        await boosted.Client.GetUserTokenGrain(user).ReportRejectedTokenAsync(first.Sha256);
        var third = await boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync();

        Assert.NotEqual(first.Value, second.Value);
        Assert.Equal(second.Value, third.Value);
        Assert.Equal(2, boosted.Emulator.GetStats().Exchanges[boostedUserId]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    [InlineData("line\u2028separator")]
    [InlineData("evil\u202Etxt.exe")]
    public async Task A_bad_user_id_is_refused_with_a_typed_error_and_reaches_neither_grain_nor_Boosted(string userId)
    {
        var before = boosted.Emulator.GetStats();

        Assert.Throws<InvalidUserIdException>(() => boosted.Client.GetUserTokenGrain(userId));
        // A grain reached by its raw key (not through the validating accessor) refuses the same way.
        var raw = boosted.Client.GetGrain<IUserTokenGrain>(string.IsNullOrWhiteSpace(userId) ? "\u0001" : userId);
        await Assert.ThrowsAsync<InvalidUserIdException>(() => raw.GetAccessTokenAsync());

        var after = boosted.Emulator.GetStats();
        Assert.Equal(before.TokenRequests, after.TokenRequests);
        Assert.Equal(before.Creates, after.Creates);
    }

    [Fact]
    public async Task An_oversized_user_id_is_refused_and_the_limit_itself_is_accepted()
    {
        var error = Assert.Throws<InvalidUserIdException>(() => boosted.Client.GetUserTokenGrain(new string('a', UserIds.MaxLength + 1)));
        Assert.Contains("at most 256", error.Message);

        var longest = new string('b', UserIds.MaxLength - 32) + Guid.NewGuid().ToString("N");
        var token = await boosted.Client.GetUserTokenGrain(longest).GetAccessTokenAsync();
        Assert.Equal("thread", token.Scope);
    }
}
