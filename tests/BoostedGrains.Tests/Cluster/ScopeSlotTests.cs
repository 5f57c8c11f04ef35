using BoostedGrains.Errors;
using BoostedGrains.Emulator;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Cluster;

/// <summary>
/// Each scope has its slot: tokens of several scopes are all stored and restored, and a slot that is removed after a
/// failed exchange takes its refresh timer with it, so no timer fires later for a slot that no longer exists.
/// </summary>
public sealed class ScopeSlotTests(ScopeSlotTests.Fixture boosted) : IClassFixture<ScopeSlotTests.Fixture>
{
    private const string Files = "files";

    /// <summary>
    /// Users may also get <c>files</c> tokens (the spec's Boosted grants users only <c>thread</c>); 10-second tokens
    /// (the default is an hour), so the test outlives a refresh timer's due time.
    /// </summary>
    public sealed class Fixture : BoostedCluster
    {
        protected override EmulatorOptions EmulatorOptions => new() { ExtraUserScopes = Files, TokenLifetimeSeconds = 10 };

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Boosted:AllowedUserScopes:0"] = "thread",
            ["Boosted:AllowedUserScopes:1"] = Files,
            // One attempt per exchange (the default retries 3 times): the outage's single failure cannot open the
            // circuit breaker for the call after it.
            ["Boosted:MaxRetries"] = "0",
        };
    }

    [Fact]
    public async Task Tokens_of_two_scopes_are_both_stored_and_served_by_a_new_activation_without_an_exchange()
    {
        var user = $"scopes-{Guid.NewGuid():N}";
        var grain = boosted.Client.GetUserTokenGrain(user);
        var thread = await grain.GetAccessTokenAsync();
        var files = await grain.GetAccessTokenAsync(Files);

        var row = (await StoredTokens.ReadAsync(boosted, user)).State!;
        Assert.Equal([Files, "thread"], row.AllTokens().Select(t => t.Scope).Order(StringComparer.Ordinal));
        await StoredTokens.DeactivateAllAsync(boosted);

        Assert.Equal(thread.Value, (await grain.GetAccessTokenAsync()).Value);
        Assert.Equal(files.Value, (await grain.GetAccessTokenAsync(Files)).Value);
        var id = (await grain.GetStatusAsync()).BoostedUserId!;
        Assert.Equal(2, boosted.Emulator.GetStats().Exchanges.GetValueOrDefault(id));
    }

    [Fact]
    public async Task A_slot_removed_after_a_failed_exchange_leaves_no_refresh_timer_behind()
    {
        var user = $"slot-{Guid.NewGuid():N}";
        var grain = boosted.Client.GetUserTokenGrain(user);
        var files = await grain.GetAccessTokenAsync(Files);
        var idBefore = (await grain.GetStatusAsync()).BoostedUserId!;

        // Re-provisioning invalidates the files token (its refresh timer stays, as the slot does); the next files
        // exchange fails while Boosted is out, and the slot, which holds no token now, is removed.
        await boosted.SiloGrains.GetGrain<IUserTokenAdminGrain>(user).ReprovisionAsync();
        boosted.Emulator.SetFaults(new EmulatorFaults { Outage = true });
        await Assert.ThrowsAsync<BoostedUnavailableException>(() => grain.GetAccessTokenAsync(Files));
        boosted.Emulator.SetFaults(new EmulatorFaults());
        // The timer is due at 70 % of the lifetime at the earliest (Boosted__RefreshAheadFraction): the slot must be
        // gone before then, or the timer fired for a live slot and the test proves nothing.
        var earliestDue = files.ExpiresAt - TimeSpan.FromSeconds(10 * (1 - 0.7));
        Assert.True(DateTimeOffset.UtcNow < earliestDue, "The slot was removed only after its refresh timer could have fired: the machine is too loaded for this test.");

        // The timer is due before the token expires; 5 s more absorb timer stalls on a loaded machine.
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > files.ExpiresAt + TimeSpan.FromSeconds(5),
            "the refresh timer of the removed slot would have fired", TimeSpan.FromSeconds(30));
        var again = await grain.GetAccessTokenAsync(Files);

        // Orleans logs a timer callback's exception as a warning naming the grain: a timer left behind for the removed
        // slot would have thrown KeyNotFoundException there.
        Assert.DoesNotContain(LogCapture.Suite.Lines, line => line.Contains("Orleans.Runtime.GrainTimer", StringComparison.Ordinal) && line.Contains(user, StringComparison.Ordinal));
        Assert.NotEqual(files.Value, again.Value);
        var idAfter = (await grain.GetStatusAsync()).BoostedUserId!;
        var stats = boosted.Emulator.GetStats();
        // The first files token and the one after the outage: the failed attempt reached no exchange.
        Assert.Equal(2, new[] { idBefore, idAfter }.Distinct().Sum(id => stats.Exchanges.GetValueOrDefault(id)));
    }
}
