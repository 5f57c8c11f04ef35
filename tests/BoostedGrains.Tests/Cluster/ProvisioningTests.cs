using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Cluster;

/// <summary>docs/design.md rule 6: concurrent first calls make one remote create per entity; repeating makes none.</summary>
public sealed class ProvisioningTests(ProvisioningTests.Fixture boosted) : IClassFixture<ProvisioningTests.Fixture>
{
    public sealed class Fixture : BoostedCluster
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Boosted:DefaultOrganization:ExternalId"] = "org-provisioning",
        };
    }

    [Fact]
    public async Task A_hundred_new_users_in_a_new_workspace_make_one_org_one_workspace_and_a_hundred_users_and_again_nothing()
    {
        var workspace = $"ws-{Guid.NewGuid():N}";
        var users = Enumerable.Range(0, 100).Select(i => $"user-{i}-{Guid.NewGuid():N}").ToArray();
        var entrances = boosted.Entrances;
        var before = boosted.Emulator.GetStats();

        await Task.WhenAll(users.Select(async (user, i) =>
        {
            var grain = entrances[i % entrances.Count].GetUserTokenGrain(user);
            await grain.SetProfileAsync(new UserProfile(Email: $"{i}@example.com", Name: $"User {i}", Workspace: workspace));
            return await grain.GetAccessTokenAsync();
        }));
        var created = boosted.Emulator.GetStats();

        Assert.Equal((1, 1, 100), (created.Creates.Org - before.Creates.Org, created.Creates.Workspace - before.Creates.Workspace,
            created.Creates.User - before.Creates.User));
        Assert.Equal(before.Conflicts, created.Conflicts);
        var statuses = await Task.WhenAll(users.Select(user => boosted.Client.GetUserTokenGrain(user).GetStatusAsync()));
        Assert.All(statuses, status => Assert.Equal((true, workspace), (status.Provisioned, status.Workspace)));
        Assert.Equal(100, statuses.Select(status => status.BoostedUserId).Distinct().Count());

        foreach (var user in users)
            await boosted.Client.GetUserTokenGrain(user).ReportRejectedTokenAsync((await boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync()).Sha256);
        await Task.WhenAll(users.Select(user => boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync()));

        var again = boosted.Emulator.GetStats();
        Assert.Equal(created.Creates, again.Creates);
        Assert.Equal(created.Conflicts, again.Conflicts);
    }
}
