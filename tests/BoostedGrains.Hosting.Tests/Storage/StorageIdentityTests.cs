using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BoostedGrains.Errors;
using BoostedGrains.Hosting.Tests.Infrastructure;
using BoostedGrains.Keys;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace BoostedGrains.Hosting.Tests.Storage;

/// <summary>
/// On Azure Table storage, which turns <c>/ \ # ?</c> in a key into <c>_</c>, no two IDs share a stored row, and a row
/// changed or moved outside the silos is refused rather than served.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed partial class StorageIdentityTests(AzuriteServer azurite)
{
    private static readonly HttpClient Http = new();

    // Each character Azure sanitizes, mixed cases, and the storage encoding's own escape character.
    private static readonly (string A, string B)[] CollidingPairs =
    [
        ("slash/user", "slash_user"),
        ("back\\user", "back_user"),
        ("hash#user", "hash_user"),
        ("query?user", "query_user"),
        ("mix/ed#?", "mix\\ed?#"),
        ("m/i\\x#e?d", "m_i_x_e_d"),
        ("tilde~2Fuser", "tilde/user"),
    ];

    [Fact]
    public async Task Users_whose_ids_collide_under_Azure_sanitization_get_their_own_boosted_users_tokens_and_threads()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();

        foreach (var (a, b) in CollidingPairs)
        {
            var tokenA = (await cluster.Grains.GetUserTokenGrain(a).GetAccessTokenAsync()).Value;
            await CreateThreadAsync(cluster, tokenA, $"thread of {a}");
            var tokenB = (await cluster.Grains.GetUserTokenGrain(b).GetAccessTokenAsync()).Value;

            Assert.NotEqual(tokenA, tokenB);
            Assert.Empty(await ThreadNamesAsync(cluster, tokenB));
            Assert.Equal([$"thread of {a}"], await ThreadNamesAsync(cluster, tokenA));
        }

        var users = CollidingPairs.SelectMany(p => new[] { p.A, p.B }).ToArray();
        var ids = await ClusterInspection.BoostedIdsAsync(cluster.Grains, users);
        Assert.Equal(users.Length, ids.Values.Distinct().Count());
        Assert.Equal(new Emulator.EmulatorCreateCounts(1, 1, users.Length), cluster.Emulator.GetStats().Creates);
        var rows = await GrainStateTable.RowsAsync(cluster.Settings.ConnectionString, cluster.Settings.ServiceId, "usertoken");
        Assert.Equal(users.Length, rows.Count);
    }

    [Fact]
    public async Task Workspaces_whose_ids_collide_under_Azure_sanitization_are_two_boosted_workspaces()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();
        (string A, string B)[] workspaces = [("acme/eu", "acme_eu"), ("acme\\us", "acme_us"), ("acme#uk", "acme_uk"), ("acme?de", "acme_de"), ("ac/me#?fr", "ac\\me?#fr")];

        var users = new List<string>();
        foreach (var (a, b) in workspaces)
        {
            foreach (var workspace in new[] { a, b })
            {
                var user = $"member-of-{users.Count}";
                await cluster.Grains.GetUserTokenGrain(user).SetProfileAsync(new UserProfile(Workspace: workspace));
                var token = (await cluster.Grains.GetUserTokenGrain(user).GetAccessTokenAsync()).Value;
                Assert.Empty(await ThreadNamesAsync(cluster, token));
                await CreateThreadAsync(cluster, token, user);
                users.Add(user);
            }
        }

        // One Boosted workspace per external ID: none was taken for another's.
        Assert.Equal(new Emulator.EmulatorCreateCounts(1, workspaces.Length * 2, users.Count), cluster.Emulator.GetStats().Creates);
        var rows = await GrainStateTable.RowsAsync(cluster.Settings.ConnectionString, cluster.Settings.ServiceId, "account");
        Assert.Equal(workspaces.Length * 2, rows.Count);
        var statuses = await Task.WhenAll(users.Select(u => cluster.Grains.GetUserTokenGrain(u).GetStatusAsync()));
        Assert.Equal(workspaces.SelectMany(w => new[] { w.A, w.B }), statuses.Select(s => s.Workspace));
    }

    [Fact]
    public async Task A_user_row_edited_to_another_users_boosted_id_or_copied_from_another_user_is_refused_and_serves_nothing()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();
        string[] users = ["edited", "victim", "copied"];
        foreach (var user in users)
            await cluster.Grains.GetUserTokenGrain(user).GetAccessTokenAsync();
        var ids = await ClusterInspection.BoostedIdsAsync(cluster.Grains, users);
        await cluster.StopSilosAsync();

        // A storage writer points "edited" at the victim's Boosted user, and copies the victim's whole row to "copied".
        var (connection, service) = (cluster.Settings.ConnectionString, cluster.Settings.ServiceId);
        var edited = await GrainStateTable.RowAsync(connection, service, "usertoken", "edited");
        await GrainStateTable.ReplaceAsync(connection, GrainStateTable.Edit(edited, Encoding.UTF8.GetBytes(ids["edited"]), Encoding.UTF8.GetBytes(ids["victim"])));
        var victim = await GrainStateTable.RowAsync(connection, service, "usertoken", "victim");
        var copied = await GrainStateTable.RowAsync(connection, service, "usertoken", "copied");
        await GrainStateTable.ReplaceAsync(connection, new Azure.Data.Tables.TableEntity(victim) { PartitionKey = copied.PartitionKey, RowKey = copied.RowKey });

        await cluster.StartSilosAsync();
        var exchangesBefore = cluster.Emulator.GetStats().Exchanges;
        var alteredError = await Assert.ThrowsAsync<StoredStateRefusedException>(() => cluster.Grains.GetUserTokenGrain("edited").GetAccessTokenAsync());
        Assert.Equal("The stored state of user 'edited' fails its integrity check (it was changed outside the silo). Nothing is served from it. "
            + "Check who can write the grain-state table, then re-provision the user (POST /admin/users/{userId}/reprovision): "
            + "the silo then stores the user Boosted knows by this ID.", alteredError.Message);
        var copiedError = await Assert.ThrowsAsync<StoredStateRefusedException>(() => cluster.Grains.GetUserTokenGrain("copied").GetAccessTokenAsync());
        Assert.StartsWith("The stored state of user 'copied' belongs to another ID (it was copied or moved in storage). Nothing is served from it.", copiedError.Message);
        Assert.DoesNotContain("victim", copiedError.Message);
        // Nothing was signed for the victim on the refused users' behalf, and their status is refused too.
        Assert.Equal(exchangesBefore, cluster.Emulator.GetStats().Exchanges);
        await Assert.ThrowsAsync<StoredStateRefusedException>(() => cluster.Grains.GetUserTokenGrain("edited").GetStatusAsync());
        // The token API answers it with its own problem code.
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{cluster.Settings.Silos[0].Http}/v1/users/edited/token");
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Settings.ApiKey);
        using var tokenResponse = await Http.SendAsync(tokenRequest);
        Assert.Equal(HttpStatusCode.InternalServerError, tokenResponse.StatusCode);
        using (var problem = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()))
            Assert.Equal("stored_state_refused", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(exchangesBefore, cluster.Emulator.GetStats().Exchanges);

        // The operator's repair: re-provisioning stores the user Boosted knows by the ID, which then works.
        var repaired = await cluster.Grains.GetGrain<IUserTokenAdminGrain>("edited").ReprovisionAsync();
        Assert.Equal(ids["edited"], repaired.BoostedUserId);
        await cluster.Grains.GetUserTokenGrain("edited").GetAccessTokenAsync();
        Assert.Equal(exchangesBefore.GetValueOrDefault(ids["edited"]) + 1, cluster.Emulator.GetStats().Exchanges[ids["edited"]]);
    }

    [Fact]
    public async Task A_row_written_before_the_binding_under_a_colliding_key_is_not_trusted_and_a_plain_ids_row_keeps_its_boosted_user()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();
        await cluster.Grains.GetUserTokenGrain("old/user").GetAccessTokenAsync();
        await cluster.Grains.GetUserTokenGrain("plain").GetAccessTokenAsync();
        var ids = await ClusterInspection.BoostedIdsAsync(cluster.Grains, ["old/user", "plain"]);
        // Restarted, so that no grain holds the state written below.
        await cluster.StopSilosAsync();
        await cluster.StartSilosAsync();
        var storage = cluster.Silos[0].App.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);

        // Rows as the silos wrote them before the binding: "old/user" wrote to the row of "old_user", and "plain" to its own.
        await WriteUnboundAsync(cluster, storage, "old_user", new UserTokenState { BoostedUserId = ids["old/user"], Workspace = "default" });
        await WriteUnboundAsync(cluster, storage, "plain", await ReadRawAsync(cluster, storage, "plain"));
        var creates = cluster.Emulator.GetStats().Creates;

        var token = (await cluster.Grains.GetUserTokenGrain("old_user").GetAccessTokenAsync()).Value;
        await cluster.Grains.GetUserTokenGrain("plain").GetAccessTokenAsync();

        // "old_user" is a Boosted user of its own; "plain" was adopted again as the one Boosted knows by its ID.
        var after = await ClusterInspection.BoostedIdsAsync(cluster.Grains, ["old_user", "plain"]);
        Assert.NotEqual(ids["old/user"], after["old_user"]);
        Assert.Equal(ids["plain"], after["plain"]);
        Assert.Equal(creates with { User = creates.User + 1 }, cluster.Emulator.GetStats().Creates);
        await CreateThreadAsync(cluster, (await cluster.Grains.GetUserTokenGrain("old/user").GetAccessTokenAsync()).Value, "old/user's");
        Assert.Empty(await ThreadNamesAsync(cluster, token));
        // Both rows are bound now.
        Assert.Equal("plain", (await ReadRawAsync(cluster, storage, "plain")).Owner);
        Assert.Equal("old_user", (await ReadRawAsync(cluster, storage, "old_user")).Owner);
    }

    [Fact]
    public async Task A_key_ring_row_whose_kid_or_public_key_was_edited_stops_the_silo_with_a_clear_error()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();
        using var jwks = JsonDocument.Parse(await Http.GetStringAsync(cluster.Settings.JwksUrl));
        var key = jwks.RootElement.GetProperty("keys")[0];
        var kid = key.GetProperty("kid").GetString()!;
        var publicPart = (key.TryGetProperty("x", out var x) ? x : key.GetProperty("n")).GetString()!;
        await cluster.StopSilosAsync();
        var (connection, service) = (cluster.Settings.ConnectionString, cluster.Settings.ServiceId);
        var row = await GrainStateTable.RowAsync(connection, service, "keyring", "default");

        foreach (var (from, to) in new[] { (kid, Altered(kid)), (publicPart[..12], Altered(publicPart[..12])) })
        {
            await GrainStateTable.ReplaceAsync(connection, GrainStateTable.Edit(row, Encoding.UTF8.GetBytes(from), Encoding.UTF8.GetBytes(to)));
            var error = await Assert.ThrowsAsync<StoredStateRefusedException>(() => cluster.StartSilosAsync());
            Assert.Equal("The stored state of key ring 'default' fails its integrity check (it was changed outside the silo). Nothing is served from it. "
                + "Check who can write the grain-state table, then restore the ring's row from a backup (or delete it: the silos make a new ring, "
                + "which Boosted learns from the JWKS).", error.Message);
        }

        // The row as the silos wrote it loads again, with the same key.
        await GrainStateTable.ReplaceAsync(connection, row);
        await cluster.StartSilosAsync();
        Assert.Contains(kid, await Http.GetStringAsync(cluster.Settings.JwksUrl));
    }

    [Fact]
    public async Task A_key_ring_written_before_the_seal_is_taken_with_its_keys_and_sealed_on_load()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();
        var kids = await JwksKidsAsync(cluster);
        await cluster.StopSilosAsync();
        var (connection, service) = (cluster.Settings.ConnectionString, cluster.Settings.ServiceId);
        // The row as earlier versions wrote it: the same JSON (the grain storage's format, UTF-8 in Data) without the seal's two members.
        var row = await GrainStateTable.RowAsync(connection, service, "keyring", "default");
        var json = Encoding.UTF8.GetString((byte[])row["Data"]);
        Assert.Single(SealMembers().Matches(json));
        var unsealed = new Azure.Data.Tables.TableEntity(row) { ["Data"] = Encoding.UTF8.GetBytes(SealMembers().Replace(json, "")) };
        await GrainStateTable.ReplaceAsync(connection, unsealed);

        await cluster.StartSilosAsync();

        Assert.Equal(kids, await JwksKidsAsync(cluster));
        var resealed = await GrainStateTable.RowAsync(connection, service, "keyring", "default");
        Assert.Single(SealMembers().Matches(Encoding.UTF8.GetString((byte[])resealed["Data"])));
        Assert.Contains($"\"SealKekId\":\"{cluster.Settings.KekId}\"", Encoding.UTF8.GetString((byte[])resealed["Data"]));
    }

    [System.Text.RegularExpressions.GeneratedRegex("""
        ,"SealKekId":"[^"]*","Seal":\{[^}]*\}
        """)]
    private static partial System.Text.RegularExpressions.Regex SealMembers();

    private static async Task<List<string>> JwksKidsAsync(StorageCluster cluster)
    {
        using var jwks = JsonDocument.Parse(await Http.GetStringAsync(cluster.Settings.JwksUrl));
        return jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();
    }

    // The same length, one character different (still base64url).
    private static string Altered(string value) => value[..^1] + (value[^1] == 'A' ? 'B' : 'A');

    private static async Task<UserTokenState> ReadRawAsync(StorageCluster cluster, IGrainStorage storage, string user)
    {
        var state = new GrainState<UserTokenState>(new UserTokenState());
        await storage.ReadStateAsync(UserStateName, StorageId(cluster, user), state);
        return state.State ?? new UserTokenState();
    }

    // What an earlier version stored: the same state without the owner and the seal, under the grain's own key.
    private static async Task WriteUnboundAsync(StorageCluster cluster, IGrainStorage storage, string user, UserTokenState state)
    {
        var current = new GrainState<UserTokenState>(new UserTokenState());
        await storage.ReadStateAsync(UserStateName, StorageId(cluster, user), current);
        (state.Owner, state.SealKekId, state.Seal) = (null, null, null);
        current.State = state;
        await storage.WriteStateAsync(UserStateName, StorageId(cluster, user), current);
    }

    // The grain storage's name for a user's state.
    private const string UserStateName = "user";

    private static GrainId StorageId(StorageCluster cluster, string user) =>
        GrainStorage.StorageId(cluster.Grains.GetUserTokenGrain(user).GetGrainId());

    private static async Task CreateThreadAsync(StorageCluster cluster, string token, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.Settings.EmulatorUrl, "v2/threads"))
        {
            Content = JsonContent.Create(new { thread_name = name }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<List<string>> ThreadNamesAsync(StorageCluster cluster, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.Settings.EmulatorUrl, "v2/threads"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("thread_name").GetString()!).ToList();
    }
}
