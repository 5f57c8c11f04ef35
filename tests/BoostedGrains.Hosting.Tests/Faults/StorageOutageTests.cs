using System.Diagnostics;
using BoostedGrains.Emulator;
using BoostedGrains.Hosting.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BoostedGrains.Hosting.Tests.Faults;

/// <summary>
/// Fault 6 of docs/reliability.md: Azure Table storage (Azurite) stopped for 10 s under a running two-silo cluster, then started
/// again. Nothing stored is lost, callers get errors (not hangs) meanwhile, and the same silos recover on their own.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class StorageOutageTests(AzuriteServer shared, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Azurite_down_for_10_s_loses_nothing_fails_new_users_clearly_and_recovers_without_a_silo_restart()
    {
        _ = shared; // installs Azurite (npm ci) when missing
        await using var azurite = new RestartableAzurite();
        await azurite.StartAsync();
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite.ConnectionString, silos: 2);
        await cluster.StartSilosAsync();
        var before = Enumerable.Range(0, 8).Select(i => $"stored-{i}").ToArray();
        await ClusterInspection.WarmUpAsync(cluster.Grains, before);
        var ids = await ClusterInspection.BoostedIdsAsync(cluster.Grains, before);
        var held = new Dictionary<string, string>();
        foreach (var user in before)
            held[user] = (await cluster.Grains.GetUserTokenGrain(user).GetAccessTokenAsync()).Value;

        await azurite.StopAsync();
        var clock = Stopwatch.StartNew();
        var holderCalls = 0;
        var newUserErrors = new List<(string Type, string Message, TimeSpan Elapsed)>();
        var during = new List<string>();
        while (clock.Elapsed < Outage)
        {
            foreach (var user in before)
            {
                Assert.Equal(held[user], (await cluster.Grains.GetUserTokenGrain(user).GetAccessTokenAsync()).Value);
                holderCalls++;
            }
            var fresh = $"during-{during.Count}";
            during.Add(fresh);
            var started = clock.Elapsed;
            try
            {
                await cluster.Grains.GetUserTokenGrain(fresh).GetAccessTokenAsync();
                newUserErrors.Add(("none", "served", clock.Elapsed - started));
            }
            catch (Exception e)
            {
                newUserErrors.Add((e.GetType().Name, e.Message, clock.Elapsed - started));
            }
        }
        await azurite.StartAsync();
        var restartedAt = clock.Elapsed;
        // A new user cannot be served without storage (its state is read, and its Boosted ID stored, before a token is
        // handed out): each call fails once the Azure SDK's retries are spent, with Orleans' storage error naming the read.
        Assert.NotEmpty(newUserErrors);
        Assert.All(newUserErrors, e =>
        {
            Assert.Equal("OrleansException", e.Type);
            Assert.StartsWith("The grain storage failed to read the user state of grain", e.Message);
        });

        // Recovery without restarting a silo: every user who failed during the outage is served now, created once.
        var recovery = Stopwatch.StartNew();
        await ClusterInspection.WarmUpAsync(cluster.Grains, during);
        var recovered = recovery.Elapsed;
        var stats = cluster.Emulator.GetStats();
        Assert.Equal(before.Length + during.Count, stats.Creates.User);

        // Nothing lost: a full restart of the silos reads back every Boosted ID and creates nothing new.
        await cluster.StopSilosAsync();
        await cluster.StartSilosAsync();
        Assert.Equal(ids, await ClusterInspection.BoostedIdsAsync(cluster.Grains, before));
        var afterIds = await ClusterInspection.BoostedIdsAsync(cluster.Grains, during);
        Assert.Equal(during.Count, afterIds.Values.Distinct().Count());
        Assert.Equal(before.Length + during.Count, cluster.Emulator.GetStats().Creates.User);

        var failed = newUserErrors.Where(e => e.Type != "none").ToList();
        output.WriteLine($"6. Azurite down 10 s | token holders: calls served with their token | {holderCalls}");
        output.WriteLine($"6. Azurite down 10 s | new users during the outage: calls / failed / max wait | {newUserErrors.Count} / {failed.Count} / {(newUserErrors.Count == 0 ? 0 : newUserErrors.Max(e => e.Elapsed.TotalMilliseconds)):0} ms");
        foreach (var kind in failed.GroupBy(e => e.Type))
            output.WriteLine($"6. Azurite down 10 s | error {kind.Key} x{kind.Count()} | {kind.First().Message[..Math.Min(200, kind.First().Message.Length)]}");
        output.WriteLine($"6. Azurite down 10 s | restart to all outage users served | {recovered.TotalMilliseconds:0} ms (outage {restartedAt.TotalSeconds:0.0} s)");
        output.WriteLine($"6. Azurite down 10 s | Boosted users created / users | {cluster.Emulator.GetStats().Creates.User} / {before.Length + during.Count}");
        Assert.All(newUserErrors, e => Assert.True(e.Elapsed < TimeSpan.FromSeconds(35), $"a caller waited {e.Elapsed.TotalSeconds:0} s"));
    }
}
