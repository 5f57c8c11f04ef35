using BoostedGrains.Emulator;
using BoostedGrains.Errors;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Cluster;

/// <summary>
/// Boosted's refusals and outages reach callers as typed errors across grain calls, and leave no grain stuck. The
/// breaker is kept out of the way here (its own behaviour is tested on the client) so that counts are exact.
/// </summary>
public sealed class BoostedFailureTests(BoostedFailureTests.Fixture boosted) : IClassFixture<BoostedFailureTests.Fixture>, IAsyncLifetime
{
    private const int MaxRetries = 2;

    public sealed class Fixture : BoostedCluster
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Boosted:MaxRetries"] = MaxRetries.ToString(),
            // "analytics" is allowed here so that Boosted itself refuses it (invalid_scope): the test is about that refusal.
            ["Boosted:AllowedUserScopes:0"] = "thread",
            ["Boosted:AllowedUserScopes:1"] = "analytics",
            // Off on purpose (see the summary): these tests count exact attempts through several 503 answers.
            ["Boosted:BreakerMinimumThroughput"] = "1000",
            ["Boosted:TotalRequestTimeout"] = "00:00:10",
        };
    }

    // Each test starts healthy, with the management token already held, so that only user exchanges reach the token endpoint.
    public async Task InitializeAsync()
    {
        boosted.Emulator.SetFaults(new EmulatorFaults());
        await boosted.Client.GetUserTokenGrain($"warm-up-{Guid.NewGuid():N}").GetAccessTokenAsync();
    }

    public Task DisposeAsync()
    {
        boosted.Emulator.SetFaults(new EmulatorFaults());
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Answers_503_are_retried_within_the_budget_then_fail_typed_and_the_next_call_after_recovery_succeeds()
    {
        var user = $"unavailable-{Guid.NewGuid():N}";
        var grain = boosted.Client.GetUserTokenGrain(user);
        var before = boosted.Emulator.GetStats();
        boosted.Emulator.SetFaults(new EmulatorFaults { ErrorRate = 1.0 });

        var error = await Assert.ThrowsAsync<BoostedUnavailableException>(() => grain.GetAccessTokenAsync());

        Assert.Equal(1 + MaxRetries, boosted.Emulator.GetStats().TokenRequests - before.TokenRequests);
        Assert.Equal(503, error.StatusCode);
        Assert.Equal(error.Message, (await grain.GetStatusAsync()).LastError);
        boosted.Emulator.SetFaults(new EmulatorFaults());
        var token = await grain.GetAccessTokenAsync();
        Assert.True(token.ExpiresAt > DateTimeOffset.UtcNow);
        Assert.Null((await grain.GetStatusAsync()).LastError);
    }

    [Fact]
    public async Task During_an_outage_a_user_with_a_valid_token_is_served_and_a_new_user_fails_typed_until_recovery()
    {
        var warm = boosted.Client.GetUserTokenGrain($"warm-{Guid.NewGuid():N}");
        var held = await warm.GetAccessTokenAsync();
        var cold = boosted.Client.GetUserTokenGrain($"cold-{Guid.NewGuid():N}");
        boosted.Emulator.SetFaults(new EmulatorFaults { Outage = true });

        Assert.Equal(held.Value, (await warm.GetAccessTokenAsync()).Value);
        await Assert.ThrowsAsync<BoostedUnavailableException>(() => cold.GetAccessTokenAsync());
        Assert.False((await cold.GetStatusAsync()).Provisioned);

        boosted.Emulator.SetFaults(new EmulatorFaults());
        await cold.GetAccessTokenAsync();
        Assert.True((await cold.GetStatusAsync()).Provisioned);
    }

    [Fact]
    public async Task A_scope_Boosted_refuses_is_a_typed_auth_error_with_Boosteds_code_and_is_not_retried()
    {
        var grain = boosted.Client.GetUserTokenGrain($"scoped-{Guid.NewGuid():N}");
        await grain.GetAccessTokenAsync();
        var before = boosted.Emulator.GetStats();

        var error = await Assert.ThrowsAsync<BoostedAuthException>(() => grain.GetAccessTokenAsync("analytics"));

        Assert.Equal(("invalid_scope", 400), (error.ErrorCode, error.StatusCode));
        Assert.Equal(1, boosted.Emulator.GetStats().TokenRequests - before.TokenRequests);
        Assert.Equal("thread", (await grain.GetAccessTokenAsync()).Scope);
    }
}
