using BoostedGrains.Testing;
using System.Diagnostics;
using BoostedGrains.Hosting.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BoostedGrains.Hosting.Tests.Faults;

/// <summary>
/// Fault 7 of docs/reliability.md: a silo process is killed (SIGKILL) while it is provisioning users: some have been created in
/// Boosted but not yet stored. Their callers retry through the surviving silo, which creates first and adopts the
/// existing user on 409 (docs/boosted-api.md §4): every user ends provisioned exactly once, with one Boosted ID.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class KillDuringProvisioningTests(AzuriteServer azurite, ITestOutputHelper output)
{
    private const int Users = 60;
    private const int Victim = 1;

    [Fact]
    public async Task A_silo_killed_mid_provisioning_leaves_every_user_provisioned_exactly_once()
    {
        await using var topology = await ProcessTopology.StartAsync(azurite, silos: 2);
        var grains = topology.Client.Client;
        await ClusterInspection.WarmUpAsync(grains, ["kill-warm"]);
        var before = await topology.GetStatsAsync();
        var users = Enumerable.Range(0, Users).Select(i => $"kill-prov-{i}").ToArray();

        // Callers as app servers write them: retry a failed call (a timeout, a dead silo) until it succeeds.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var retries = 0;
        var callers = users.Select(user => Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    await grains.GetUserTokenGrain(user).GetAccessTokenAsync();
                    return;
                }
                catch (Exception) when (DateTime.UtcNow < deadline)
                {
                    Interlocked.Increment(ref retries);
                    await Task.Delay(200);
                }
            }
        })).ToArray();
        // Kill once provisioning is well under way but not over.
        await Eventually.TrueAsync(async () => (await topology.GetStatsAsync()).Creates.User - before.Creates.User >= Users / 4,
            "provisioning got under way", TimeSpan.FromSeconds(60));
        var createdAtKill = (await topology.GetStatsAsync()).Creates.User - before.Creates.User;
        topology[Victim].Process.Kill();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(callers);
        var allServed = clock.Elapsed;

        var stats = await topology.GetStatsAsync();
        var ids = await ClusterInspection.BoostedIdsAsync(grains, users);
        Assert.Equal(Users, stats.Creates.User - before.Creates.User);
        Assert.Equal(Users, ids.Values.Distinct().Count());
        Assert.All(ids.Values, id => Assert.True(stats.Exchanges.GetValueOrDefault(id) >= 1));

        output.WriteLine($"7. silo killed mid-provisioning | users / created at Boosted / distinct stored IDs | {Users} / {stats.Creates.User - before.Creates.User} / {ids.Values.Distinct().Count()}");
        output.WriteLine($"7. silo killed mid-provisioning | created before the kill / 409s adopted / caller retries | {createdAtKill} / {stats.Conflicts - before.Conflicts} / {retries}");
        output.WriteLine($"7. silo killed mid-provisioning | kill to every user served | {allServed.TotalMilliseconds:0} ms");
    }
}
