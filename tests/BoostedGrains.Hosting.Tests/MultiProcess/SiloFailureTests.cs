using BoostedGrains.Emulator;
using BoostedGrains.Hosting.Tests.Infrastructure;
using BoostedGrains.Testing;
using Xunit.Abstractions;

namespace BoostedGrains.Hosting.Tests.MultiProcess;

/// <summary>
/// Three real silo processes in Azure Table storage, the emulator process as Boosted, and an external Orleans client
/// asking tokens for many users; one silo is killed, stopped, or added under that load, or every silo is restarted in turn.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class SiloFailureTests(AzuriteServer azurite, ITestOutputHelper output)
{
    private const int UserCount = 90;
    private const int Callers = 12;
    // Silo 0 serves the JWKS Boosted was given (as in docker-compose.yml), so the victims are the others.
    private const int Victim = 2;

    [Fact]
    public async Task Killed_silo_under_load_costs_each_caller_at_most_one_retry_and_no_exchange()
    {
        await using var topology = await ProcessTopology.StartAsync(azurite, silos: 3);
        var grains = topology.Client.Client;
        var (users, affected, load) = await LoadWithVictimAsync(topology, "kill");
        var killedAt = load.Now;
        topology[Victim].Process.Kill();
        // Load goes on until the silo is declared dead, every retry it caused has ended, and every user was asked again
        // several times after that.
        await new MembershipTable(topology.Settings.ConnectionString, topology.Settings.ClusterId)
            .WaitDeadAsync(topology.Settings.Silos[Victim].Silo, TimeSpan.FromSeconds(60));
        await load.WaitForCallsAsync(UserCount * 3, TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(() => load.PendingRetries == 0, "every retry caused by the kill has ended", TimeSpan.FromSeconds(60));
        await load.WaitForCallsAsync(UserCount * 3, TimeSpan.FromSeconds(60));
        var result = await load.StopAsync();

        var recoveryMs = result.LastRetryDoneMs < 0 ? 0 : result.LastRetryDoneMs - killedAt;
        output.WriteLine($"SIGKILL: {affected.Count} of {UserCount} users on the killed silo; {result}; recovered {recoveryMs} ms after the kill");
        Assert.True(result.Failed == 0, $"{result}\n{topology.Output}");
        Assert.InRange(recoveryMs, 0, 15_000);
        await AssertBoostedSawAsync(topology, grains, users);
    }

    [Fact]
    public async Task Stopped_silo_under_load_fails_no_call_and_exchanges_nothing()
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
        await AssertBoostedSawAsync(topology, grains, users);
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
        await AssertBoostedSawAsync(topology, grains, [.. before, .. after]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rolling_restart_of_every_silo_under_load_fails_no_call_and_exchanges_nothing(bool boostedOutage)
    {
        await using var topology = await ProcessTopology.StartAsync(azurite, silos: 3);
        var grains = topology.Client.Client;
        var users = Users(boostedOutage ? "roll-out" : "roll", UserCount);
        await ClusterInspection.WarmUpAsync(grains, users);
        var load = LoadRun.Start(grains, users, Callers);
        await load.WaitForCallsAsync(300, TimeSpan.FromSeconds(30));
        if (boostedOutage)
            await topology.SetFaultsAsync(new EmulatorFaults { Outage = true });

        var startedAt = load.Now;
        // Silo 0 last: it serves the JWKS Boosted was given.
        foreach (var index in new[] { 1, 2, 0 })
        {
            await topology.RestartSiloAsync(index);
            // Every user asked again with this silo back, before the next one goes.
            await load.WaitForCallsAsync(UserCount, TimeSpan.FromSeconds(60));
        }
        var restartMs = load.Now - startedAt;
        await load.WaitForCallsAsync(UserCount * 2, TimeSpan.FromSeconds(60));
        var result = await load.StopAsync();
        if (boostedOutage)
            await topology.SetFaultsAsync(new EmulatorFaults());

        output.WriteLine($"Rolling restart of 3 silos{(boostedOutage ? " during a Boosted outage" : "")}: {restartMs} ms; {result}");
        Assert.True(result.Failed == 0, $"{result}\n{topology.Output}");
        await AssertBoostedSawAsync(topology, grains, users);
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
    /// One create per entity (no duplicate at Boosted), and exactly one exchange per user: every user's token is valid
    /// for the whole test, and a grain activated anew (its silo lost, or its directory entry lost with a silo) serves the
    /// token its earlier activation stored.
    /// </summary>
    private static async Task AssertBoostedSawAsync(ProcessTopology topology, IGrainFactory grains, string[] users)
    {
        var ids = await ClusterInspection.BoostedIdsAsync(grains, users);
        EmulatorStats stats = await topology.GetStatsAsync();
        Assert.Equal(new EmulatorCreateCounts(1, 1, users.Length), stats.Creates);
        Assert.Equal(users.Length, ids.Values.Distinct().Count());
        var wrong = users.Where(u => ClusterInspection.ExchangesOf(stats, ids[u]) != 1).ToList();
        Assert.True(wrong.Count == 0, $"Not exactly 1 exchange for {wrong.Count} users: " + string.Join(", ", wrong.Take(10).Select(u => $"{u} {ClusterInspection.ExchangesOf(stats, ids[u])}")));
    }
}
