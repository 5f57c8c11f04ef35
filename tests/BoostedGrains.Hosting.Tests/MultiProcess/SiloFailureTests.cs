using BoostedGrains.Emulator;
using BoostedGrains.Hosting.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BoostedGrains.Hosting.Tests.MultiProcess;

/// <summary>
/// Three real silo processes in Azure Table storage, the emulator process as Boosted, and an external Orleans client
/// asking tokens for many users; one silo is killed, stopped, or added under that load.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class SiloFailureTests(AzuriteServer azurite, ITestOutputHelper output)
{
    private const int UserCount = 90;
    private const int Callers = 12;
    // Silo 0 serves the JWKS Boosted was given (as in docker-compose.yml), so the victims are the others.
    private const int Victim = 2;

    [Fact]
    public async Task Killed_silo_under_load_costs_each_caller_at_most_one_retry_and_each_affected_user_one_exchange()
    {
        await using var topology = await ProcessTopology.StartAsync(azurite, silos: 3);
        var grains = topology.Client.Client;
        var (users, affected, load) = await LoadWithVictimAsync(topology, "kill");
        var killedAt = load.Now;
        topology[Victim].Process.Kill();
        // Load goes on until every user was asked again several times after the retries ended.
        await load.WaitForCallsAsync(UserCount * 3, TimeSpan.FromSeconds(60));
        await Task.Delay(LoadRun.RetryDelay * 2);
        await load.WaitForCallsAsync(UserCount * 3, TimeSpan.FromSeconds(60));
        var result = await load.StopAsync();

        var recoveryMs = result.LastRetryDoneMs < 0 ? 0 : result.LastRetryDoneMs - killedAt;
        output.WriteLine($"SIGKILL: {affected.Count} of {UserCount} users on the killed silo; {result}; recovered {recoveryMs} ms after the kill");
        Assert.True(result.Failed == 0, $"{result}\n{topology.Output}");
        Assert.InRange(recoveryMs, 0, 15_000);
        var reactivated = await AssertBoostedSawAsync(topology, grains, users, movedUsers: affected);
        output.WriteLine($"SIGKILL: {reactivated} users not on the killed silo were activated anew (directory entry lost) and exchanged once more");
    }

    [Fact]
    public async Task Stopped_silo_under_load_fails_no_call()
    {
        await using var topology = await ProcessTopology.StartAsync(azurite, silos: 3);
        var grains = topology.Client.Client;
        var (users, affected, load) = await LoadWithVictimAsync(topology, "term");
        var stoppedAt = load.Now;
        topology[Victim].Process.Terminate();
        Assert.True(await topology[Victim].Process.WaitForExitAsync(TimeSpan.FromSeconds(30)), topology.Output);
        var exitedMs = load.Now - stoppedAt;
        await load.WaitForCallsAsync(UserCount * 3, TimeSpan.FromSeconds(60));
        var result = await load.StopAsync();

        output.WriteLine($"SIGTERM: silo exited {exitedMs} ms after the signal (code {topology[Victim].Process.ExitCode}); {affected.Count} users moved; {result}");
        Assert.True(result.Failed == 0, $"{result}\n{topology.Output}");
        var reactivated = await AssertBoostedSawAsync(topology, grains, users, movedUsers: affected);
        output.WriteLine($"SIGTERM: {reactivated} users not on the stopped silo were activated anew and exchanged once more");
    }

    [Fact]
    public async Task Silo_joining_under_load_takes_a_share_of_new_grains_and_fails_no_call()
    {
        await using var topology = await ProcessTopology.StartAsync(azurite, silos: 3, spareSilos: 1);
        var grains = topology.Client.Client;
        var before = Users("join-a", UserCount);
        await ClusterInspection.WarmUpAsync(grains, before);

        var load = LoadRun.Start(grains, before, Callers);
        await load.WaitForCallsAsync(300, TimeSpan.FromSeconds(30));
        await topology.StartSiloAsync(3);
        var after = Users("join-b", UserCount);
        load.SetUsers([.. before, .. after]);
        await load.WaitForCallsAsync(UserCount * 2 * 3, TimeSpan.FromSeconds(60));
        var result = await load.StopAsync();

        var onNewSilo = await ClusterInspection.UsersOnSiloAsync(grains, topology.Settings.Silos[3].Silo);
        output.WriteLine($"Join: the new silo hosts {onNewSilo.Count} of {UserCount} users first asked after it joined; {result}");
        Assert.True(result.Failed == 0, $"{result}\n{topology.Output}");
        Assert.NotEmpty(onNewSilo);
        Assert.Empty(onNewSilo.Intersect(before));
        Assert.Equal(0, await AssertBoostedSawAsync(topology, grains, [.. before, .. after], movedUsers: new HashSet<string>()));
    }

    /// <summary>Warm users, the ones whose grain lives on the victim silo, and load running on all of them.</summary>
    private static async Task<(string[] Users, IReadOnlySet<string> Affected, LoadRun Load)> LoadWithVictimAsync(ProcessTopology topology, string prefix)
    {
        var grains = topology.Client.Client;
        var users = Users(prefix, UserCount);
        await ClusterInspection.WarmUpAsync(grains, users);
        var affected = await ClusterInspection.UsersOnSiloAsync(grains, topology.Settings.Silos[Victim].Silo);
        Assert.NotEmpty(affected);

        var load = LoadRun.Start(grains, users, Callers);
        await load.WaitForCallsAsync(300, TimeSpan.FromSeconds(30));
        return (users, affected, load);
    }

    private static string[] Users(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{Guid.NewGuid():N}"[..20] + $"-{i}")];

    /// <summary>
    /// One create per entity (no duplicate at Boosted), and one exchange per user plus at most one more: users whose
    /// grain was on the lost silo (<paramref name="movedUsers"/>) exchange exactly once more, since their token lived
    /// only in memory. With the default (eventually consistent) grain directory a user whose directory entry was on the
    /// lost silo may also be activated anew, which costs that user one extra exchange too; never more than one.
    /// </summary>
    private static async Task<int> AssertBoostedSawAsync(ProcessTopology topology, IGrainFactory grains, string[] users, IReadOnlySet<string> movedUsers)
    {
        var ids = await ClusterInspection.BoostedIdsAsync(grains, users);
        EmulatorStats stats = await topology.GetStatsAsync();
        Assert.Equal(new EmulatorCreateCounts(1, 1, users.Length), stats.Creates);
        Assert.Equal(users.Length, ids.Values.Distinct().Count());
        var exchanges = users.ToDictionary(u => u, u => ClusterInspection.ExchangesOf(stats, ids[u]));
        var wrong = users.Where(u => movedUsers.Contains(u) ? exchanges[u] != 2 : exchanges[u] is not (1 or 2)).ToList();
        Assert.True(wrong.Count == 0, $"Exchanges out of bounds for {wrong.Count} users: " + string.Join(", ", wrong.Take(10).Select(u => $"{u} (moved: {movedUsers.Contains(u)}) {exchanges[u]}")));
        return users.Count(u => !movedUsers.Contains(u) && exchanges[u] == 2);
    }
}
