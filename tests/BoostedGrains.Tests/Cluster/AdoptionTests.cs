using BoostedGrains.Hierarchy;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Cluster;

/// <summary>docs/boosted-api.md §4 safe provisioning: an organization, workspace and user that Boosted already has are adopted on 409.</summary>
public sealed class AdoptionTests(AdoptionTests.Fixture boosted) : IClassFixture<AdoptionTests.Fixture>
{
    public sealed class Fixture : BoostedCluster
    {
        public const string Organization = "org-adopted";

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Boosted:DefaultOrganization:ExternalId"] = Organization,
        };
    }

    [Fact]
    public async Task Entities_that_already_exist_in_Boosted_are_adopted_on_409_without_a_second_create()
    {
        using var accounts = new EmulatorAccounts(boosted);
        var orgExternalId = Fixture.Organization;
        var workspace = $"ws-{Guid.NewGuid():N}";
        var user = $"existing-{Guid.NewGuid():N}";
        var orgId = await accounts.CreateOrganizationAsync(orgExternalId);
        var workspaceId = await accounts.CreateWorkspaceAsync(orgId, workspace);
        var userId = await accounts.CreateUserAsync(workspaceId, user);
        var before = boosted.Emulator.GetStats();

        await boosted.Client.GetUserTokenGrain(user).SetProfileAsync(new UserProfile(Workspace: workspace));
        var token = await boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync();

        var after = boosted.Emulator.GetStats();
        var status = await boosted.Client.GetUserTokenGrain(user).GetStatusAsync();
        Assert.Equal(userId, status.BoostedUserId);
        // The hierarchy grains are silo-only: read them through a silo's grain factory.
        Assert.Equal(orgId, await boosted.SiloGrains.GetGrain<IOrgGrain>(orgExternalId).GetBoostedIdAsync());
        Assert.Equal(new WorkspaceInfo(workspace, workspaceId, orgId), await boosted.SiloGrains.GetGrain<IAccountGrain>(workspace).GetInfoAsync());
        Assert.Equal(1, after.Exchanges[userId]);
        Assert.Equal(3, after.Conflicts - before.Conflicts);
        Assert.Equal(before.Creates, after.Creates);
        Assert.Equal("thread", token.Scope);
    }
}
