using System.Net.Http.Json;
using System.Text.Json;
using BoostedGrains.Emulator;
using BoostedGrains.Hosting.Tests.Infrastructure;

namespace BoostedGrains.Hosting.Tests.Storage;

/// <summary>Everything that matters survives a full cluster restart in Azure Table storage.</summary>
[Collection(HostingCollection.Name)]
public sealed class RestartTests(AzuriteServer azurite)
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Full_cluster_restart_keeps_kids_and_boosted_ids_and_creates_nothing_new()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 2);
        await cluster.StartSilosAsync();
        var users = Enumerable.Range(0, 12).Select(i => $"restart-{i}").ToArray();
        foreach (var user in users)
            await cluster.Grains.GetUserTokenGrain(user).GetAccessTokenAsync();
        var kids = await JwksKidsAsync(cluster);
        var ids = await ClusterInspection.BoostedIdsAsync(cluster.Grains, users);
        Assert.Equal(new EmulatorCreateCounts(1, 1, users.Length), cluster.Emulator.GetStats().Creates);

        await cluster.StopSilosAsync();
        await cluster.StartSilosAsync();
        foreach (var user in users)
            await cluster.Grains.GetUserTokenGrain(user).GetAccessTokenAsync();

        Assert.Equal(kids, await JwksKidsAsync(cluster));
        Assert.Equal(ids, await ClusterInspection.BoostedIdsAsync(cluster.Grains, users));
        var stats = cluster.Emulator.GetStats();
        Assert.Equal(new EmulatorCreateCounts(1, 1, users.Length), stats.Creates);
        // Tokens live only in memory: exactly one new exchange per user after the restart, each signed with the old key.
        Assert.All(users, user => Assert.Equal(2, stats.Exchanges[ids[user]]));
    }

    private static async Task<List<string>> JwksKidsAsync(StorageCluster cluster)
    {
        var kids = new List<string>();
        foreach (var ports in cluster.Settings.Silos)
        {
            var jwks = await Http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{ports.Http}/.well-known/jwks.json");
            var silo = jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();
            Assert.NotEmpty(silo);
            if (kids.Count > 0)
                Assert.Equal(kids, silo);
            kids = silo;
        }
        return kids;
    }
}
