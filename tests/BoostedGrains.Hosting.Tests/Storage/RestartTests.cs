using System.Buffers.Text;
using System.Net.Http.Json;
using System.Text;
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
    public async Task Full_cluster_restart_keeps_kids_boosted_ids_and_valid_tokens_and_creates_or_exchanges_nothing_new()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 2);
        await cluster.StartSilosAsync();
        var users = Enumerable.Range(0, 12).Select(i => $"restart-{i}").ToArray();
        var before = new Dictionary<string, string>();
        foreach (var user in users)
            before[user] = (await cluster.Grains.GetUserTokenGrain(user).GetAccessTokenAsync()).Value;
        var kids = await JwksKidsAsync(cluster);
        var ids = await ClusterInspection.BoostedIdsAsync(cluster.Grains, users);
        Assert.Equal(new EmulatorCreateCounts(1, 1, users.Length), cluster.Emulator.GetStats().Creates);

        await cluster.StopSilosAsync();
        await cluster.StartSilosAsync();
        var after = new Dictionary<string, string>();
        foreach (var user in users)
            after[user] = (await cluster.Grains.GetUserTokenGrain(user).GetAccessTokenAsync()).Value;

        Assert.Equal(kids, await JwksKidsAsync(cluster));
        Assert.Equal(ids, await ClusterInspection.BoostedIdsAsync(cluster.Grains, users));
        var stats = cluster.Emulator.GetStats();
        Assert.Equal(new EmulatorCreateCounts(1, 1, users.Length), stats.Creates);
        // Every user's stored token was still valid: served again, no exchange after the restart.
        Assert.Equal(before, after);
        Assert.All(users, user => Assert.Equal(1, stats.Exchanges[ids[user]]));
    }

    [Fact]
    public async Task With_Tokens__Persist_false_no_token_is_stored_and_a_restart_costs_exactly_one_exchange_per_user()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 2);
        var memoryOnly = new Dictionary<string, string?> { ["Tokens__Persist"] = "false" };
        await cluster.StartSilosAsync(memoryOnly);
        var users = Enumerable.Range(0, 6).Select(i => $"memory-only-{i}").ToArray();
        var before = new Dictionary<string, string>();
        foreach (var user in users)
            before[user] = (await cluster.Grains.GetUserTokenGrain(user).GetAccessTokenAsync()).Value;
        var ids = await ClusterInspection.BoostedIdsAsync(cluster.Grains, users);

        // Each user's row exists (it holds the Boosted identity) but no token, in no form, not even encrypted.
        var rows = await GrainStateTable.RowsAsync(cluster.Settings.ConnectionString, cluster.Settings.ServiceId, "usertoken");
        Assert.Equal(users.Length, rows.Count);
        foreach (var (rowBytes, text) in rows.Select(GrainStateTable.Dump))
        {
            Assert.Contains(ids.Values, id => text.Contains(id, StringComparison.Ordinal));
            // The KEK's ID appears once, as the seal's: a stored token would name it too.
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, System.Text.RegularExpressions.Regex.Escape(cluster.Settings.KekId)));
            foreach (var token in before.Values)
            {
                ByteAssert.DoesNotContain(Encoding.UTF8.GetBytes(token), rowBytes);
                ByteAssert.DoesNotContain(Base64Url.DecodeFromChars(token), rowBytes);
            }
        }

        await cluster.StopSilosAsync();
        await cluster.StartSilosAsync(memoryOnly);
        var after = new Dictionary<string, string>();
        foreach (var user in users)
            after[user] = (await cluster.Grains.GetUserTokenGrain(user).GetAccessTokenAsync()).Value;

        // The earlier tokens were still valid but lived only in memory: each user exchanged exactly once more.
        var stats = cluster.Emulator.GetStats();
        Assert.All(users, user => Assert.NotEqual(before[user], after[user]));
        Assert.All(users, user => Assert.Equal(2, stats.Exchanges[ids[user]]));
        Assert.Equal(new EmulatorCreateCounts(1, 1, users.Length), stats.Creates);
    }

    [Fact]
    public async Task User_rows_hold_tokens_only_encrypted()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();
        var users = Enumerable.Range(0, 4).Select(i => $"at-rest-{i}").ToArray();
        var tokens = new List<string>();
        foreach (var user in users)
            tokens.Add((await cluster.Grains.GetUserTokenGrain(user).GetAccessTokenAsync()).Value);

        var rows = await GrainStateTable.RowsAsync(cluster.Settings.ConnectionString, cluster.Settings.ServiceId, "usertoken");
        Assert.Equal(users.Length, rows.Count);
        var stored = rows.Select(GrainStateTable.Dump).ToList();
        // The rows do hold the tokens (encrypted: the KEK's ID is next to each) ...
        Assert.All(stored, row => Assert.Contains(cluster.Settings.KekId, row.Text));
        // ... but no token in any form: plain, base64, base64url; nor the KEK.
        foreach (var token in tokens)
        {
            var bytes = Encoding.UTF8.GetBytes(token);
            foreach (var (rowBytes, text) in stored)
            {
                ByteAssert.DoesNotContain(bytes, rowBytes);
                Assert.DoesNotContain(token, text);
                Assert.DoesNotContain(Convert.ToBase64String(bytes)[..24], text);
                Assert.DoesNotContain(Base64Url.EncodeToString(bytes)[..24], text);
                Assert.DoesNotContain(cluster.Settings.KekKey, text);
                ByteAssert.DoesNotContain(Base64Url.DecodeFromChars(token), rowBytes);
            }
        }
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
