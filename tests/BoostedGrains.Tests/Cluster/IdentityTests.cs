using BoostedGrains.Emulator;
using BoostedGrains.Errors;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Cluster;

/// <summary>What a user grain is to Boosted: one spelling per scope set, a profile that follows changes, one identity at a time.</summary>
public sealed class IdentityTests(BoostedCluster boosted) : IClassFixture<BoostedCluster>, IAsyncLifetime
{
    public Task InitializeAsync()
    {
        boosted.Emulator.SetFaults(new EmulatorFaults());
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        boosted.Emulator.SetFaults(new EmulatorFaults());
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_spelling_of_one_scope_set_shares_one_slot_and_one_exchange()
    {
        var grain = boosted.Client.GetUserTokenGrain($"scopes-{Guid.NewGuid():N}");
        var before = boosted.Emulator.GetStats().TokenRequests;

        var tokens = await Task.WhenAll(new[] { "thread", "thread ", " thread", "thread  thread" }.Select(grain.GetAccessTokenAsync));
        tokens = [.. tokens, await grain.GetAccessTokenAsync()];

        Assert.Single(tokens.Select(t => t.Value).Distinct());
        Assert.Equal(1, boosted.Emulator.GetStats().TokenRequests - before);
    }

    [Theory]
    [InlineData("analytics")]
    [InlineData("thread made-up-scope")]
    public async Task A_scope_outside_the_allowed_list_is_refused_before_Boosted_or_a_metric_sees_it(string scope)
    {
        var grain = boosted.Client.GetUserTokenGrain($"refused-{Guid.NewGuid():N}");
        await grain.GetAccessTokenAsync();
        var before = boosted.Emulator.GetStats().TokenRequests;

        var refused = await Assert.ThrowsAsync<InvalidScopeException>(() => grain.GetAccessTokenAsync(scope));

        Assert.Contains("Boosted__AllowedUserScopes", refused.Message);
        Assert.Equal(before, boosted.Emulator.GetStats().TokenRequests);
    }

    [Fact]
    public async Task A_changed_email_or_name_reaches_Boosted_once_and_asking_again_sends_nothing()
    {
        using var accounts = new EmulatorAccounts(boosted);
        var user = $"profile-{Guid.NewGuid():N}";
        var grain = boosted.Client.GetUserTokenGrain(user);
        await grain.SetProfileAsync(new UserProfile("old@example.com", "Old Name"));
        await grain.GetAccessTokenAsync();

        var before = boosted.Emulator.GetStats().Updates;
        await grain.SetProfileAsync(new UserProfile(Email: "new@example.com"));
        var updated = await accounts.GetUserAsync(user);
        var once = boosted.Emulator.GetStats().Updates - before;
        // Boosted down: the same profile again must not need it, since nothing changed.
        boosted.Emulator.SetFaults(new EmulatorFaults { Outage = true });
        await grain.SetProfileAsync(new UserProfile("new@example.com", "Old Name"));
        boosted.Emulator.SetFaults(new EmulatorFaults());

        Assert.Equal(("new@example.com", "Old Name"), (updated.GetProperty("email").GetString(), updated.GetProperty("name").GetString()));
        Assert.Equal(1, once);
        Assert.Equal(1, boosted.Emulator.GetStats().Updates - before);
    }

    [Fact]
    public async Task Another_workspace_for_a_provisioned_user_is_refused_and_changes_nothing()
    {
        using var accounts = new EmulatorAccounts(boosted);
        var user = $"mover-{Guid.NewGuid():N}";
        var grain = boosted.Client.GetUserTokenGrain(user);
        await grain.GetAccessTokenAsync();
        var before = await grain.GetStatusAsync();

        var refused = await Assert.ThrowsAsync<InvalidUserProfileException>(() =>
            grain.SetProfileAsync(new UserProfile("moved@example.com", Workspace: $"elsewhere-{Guid.NewGuid():N}")));

        Assert.Contains("does not move users between workspaces", refused.Message);
        Assert.Equal(before.Workspace, (await grain.GetStatusAsync()).Workspace);
        Assert.False((await accounts.GetUserAsync(user)).TryGetProperty("email", out var email) && email.GetString() == "moved@example.com");
    }

    [Fact]
    public async Task A_user_adopted_on_409_records_the_workspace_Boosted_has_it_in()
    {
        using var accounts = new EmulatorAccounts(boosted);
        var user = $"adopted-{Guid.NewGuid():N}";
        var realWorkspace = $"ws-real-{Guid.NewGuid():N}";
        var orgId = await accounts.CreateOrganizationAsync($"org-{Guid.NewGuid():N}");
        await accounts.CreateUserAsync(await accounts.CreateWorkspaceAsync(orgId, realWorkspace), user);
        var grain = boosted.Client.GetUserTokenGrain(user);

        await grain.SetProfileAsync(new UserProfile(Workspace: $"ws-asked-{Guid.NewGuid():N}"));
        await grain.GetAccessTokenAsync();

        Assert.Equal(realWorkspace, (await grain.GetStatusAsync()).Workspace);
    }

    [Fact]
    public async Task An_exchange_in_flight_during_reprovisioning_is_dropped_and_never_served()
    {
        var user = $"generation-{Guid.NewGuid():N}";
        var grain = boosted.Client.GetUserTokenGrain(user);
        var first = await grain.GetAccessTokenAsync();
        var boostedUserId = (await grain.GetStatusAsync()).BoostedUserId!;
        // Every Boosted call now takes a while, so the renewal below is still in flight when re-provisioning ends.
        boosted.Emulator.SetFaults(new EmulatorFaults { LatencyMs = 1_500 });

        await grain.ReportRejectedTokenAsync(first.Sha256);
        // Re-provisioning is silo-only: through a silo's own grain factory, as the admin API does.
        await boosted.SiloGrains.GetGrain<IUserTokenAdminGrain>(user).ReprovisionAsync();
        var served = await grain.GetAccessTokenAsync();

        // The first token, the renewal signed for the old identity (dropped), and one for the re-provisioned identity.
        Assert.Equal(3, boosted.Emulator.GetStats().Exchanges[boostedUserId]);
        Assert.NotEqual(first.Value, served.Value);
    }
}
