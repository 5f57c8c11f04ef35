using System.Net.Http.Headers;
using BoostedGrains.Client;
using BoostedGrains.Hosting.Tests.Infrastructure;
using BoostedGrains.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace BoostedGrains.Hosting.Tests.MultiProcess;

/// <summary>
/// One of three silo processes is SIGKILLed under load, with the product's membership defaults (no <c>Cluster__*</c>
/// tuning): app servers see no failed call, through the survivors' HTTP token API and through the client library.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class SiloLossTests(AzuriteServer azurite, ITestOutputHelper output)
{
    private const int UserCount = 60;
    private const int Callers = 8;
    // Silo 0 serves the JWKS Boosted was given (as in docker-compose.yml), so the victim is another.
    private const int Victim = 2;
    private static readonly TimeSpan SaturationPeriod = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Killed_silo_fails_no_call_through_the_survivors_token_api()
    {
        await using var topology = await ProcessTopology.StartAsync(azurite, silos: 3);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", topology.Settings.ApiKey);
        var survivors = topology.Settings.Silos.Where((_, i) => i != Victim).Select(s => new Uri($"http://127.0.0.1:{s.Http}/")).ToArray();
        var next = 0;
        async Task AskAsync(string user, CancellationToken cancel)
        {
            var silo = survivors[Interlocked.Increment(ref next) % survivors.Length];
            using var response = await http.PostAsync(new Uri(silo, $"v1/users/{user}/token"), null, cancel);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancel)}");
        }

        // What a patient app server allows: 3 tries within 5 s.
        await KillUnderLoadAsync(topology, "http", AskAsync, tries: 3, budget: TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Killed_silo_fails_no_call_through_the_client_library()
    {
        await using var topology = await ProcessTopology.StartAsync(azurite, silos: 3);
        using var app = await StartAppServerAsync(topology.Settings);
        var tokens = app.Services.GetRequiredService<IBoostedTokenProvider>();

        // One try per call: the library's own retry is what is proven here. It goes BoostedClient__SiloLossRetryDelay
        // (5 s) after the call started; 10 s leaves 5 s for the retried call on a loaded machine.
        await KillUnderLoadAsync(topology, "lib", (user, cancel) => tokens.GetTokenAsync(user, cancel), tries: 1, budget: TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// The other side of fast detection: silos starved of CPU must not be declared dead. Every silo's token API serves
    /// new users (an exchange, a signature and storage writes each) while spinning threads take every core.
    /// </summary>
    [Fact]
    public async Task Saturated_silos_declare_no_silo_dead()
    {
        await using var topology = await ProcessTopology.StartAsync(azurite, silos: 3);
        var membership = new MembershipTable(topology.Settings.ConnectionString, topology.Settings.ClusterId);
        using var stop = new CancellationTokenSource(SaturationPeriod);
        var traffic = topology.Settings.Silos
            .SelectMany(s => Enumerable.Range(0, 4).Select(_ => TokenApiTraffic.RunAsync(new Uri($"http://127.0.0.1:{s.Http}/"), topology.Settings.ApiKey, stop.Token)))
            .ToList();
        var cpuBefore = CpuTimes.Read();
        var spinners = Enumerable.Range(0, Environment.ProcessorCount * 2)
            .Select(_ => Task.Factory.StartNew(() => Spin(stop.Token), TaskCreationOptions.LongRunning))
            .ToList();
        var answers = await Task.WhenAll(traffic);
        await Task.WhenAll(spinners);
        var busy = CpuTimes.Read().BusyFractionSince(cpuBefore);

        var dead = await membership.DeadPortsAsync();
        var suspected = await membership.SuspectedCountAsync();
        output.WriteLine($"Saturated {SaturationPeriod.TotalSeconds} s (CPU {busy:P0} busy): {answers.Sum(a => a.Succeeded)} new users served, " +
            $"{answers.Sum(a => a.Failed)} answered an error; {suspected} silos suspected, {dead.Count} declared dead");
        // The premise: every core was taken for the whole period.
        Assert.True(busy >= 0.95, $"the CPU was {busy:P0} busy, not saturated");
        // Every silo kept serving new users, none with an error, and none was suspected, let alone declared dead.
        var perSilo = answers.Chunk(4).Select(silo => silo.Sum(a => a.Succeeded)).ToList();
        Assert.All(perSilo, served => Assert.True(served > 0, $"a silo served no new user: {string.Join(", ", perSilo)}"));
        Assert.Equal(0, answers.Sum(a => a.Failed));
        Assert.Equal(0, suspected);
        Assert.Empty(dead);
    }

    /// <summary>The machine's CPU time from /proc/stat, in clock ticks.</summary>
    private readonly record struct CpuTimes(long Busy, long Idle)
    {
        public static CpuTimes Read()
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            var idle = fields[3] + fields[4]; // idle + iowait
            return new CpuTimes(fields.Sum() - idle, idle);
        }

        public double BusyFractionSince(CpuTimes before) =>
            (double)(Busy - before.Busy) / (Busy - before.Busy + Idle - before.Idle);
    }

    private static void Spin(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
            Thread.SpinWait(1000);
    }

    private async Task KillUnderLoadAsync(ProcessTopology topology, string prefix, Func<string, CancellationToken, Task> call, int tries, TimeSpan budget)
    {
        var users = Enumerable.Range(0, UserCount).Select(i => $"{prefix}-{Guid.NewGuid():N}"[..16] + $"-{i}").ToArray();
        await ClusterInspection.WarmUpAsync(topology.Client.Client, users);
        var affected = await ClusterInspection.UsersOnSiloAsync(topology.Client.Client, topology.Settings.Silos[Victim].Silo);
        Assert.NotEmpty(affected);
        var membership = new MembershipTable(topology.Settings.ConnectionString, topology.Settings.ClusterId);

        var load = AppServerLoad.Start(call, users, Callers, tries, budget);
        await load.WaitForCallsAsync(200, TimeSpan.FromSeconds(30));
        var killedAt = load.Now;
        topology[Victim].Process.Kill();
        await membership.WaitDeadAsync(topology.Settings.Silos[Victim].Silo, TimeSpan.FromSeconds(30));
        var detectedMs = load.Now - killedAt;
        // Every user asked again twice after the silo was declared dead.
        await load.WaitForCallsAsync(UserCount * 2, TimeSpan.FromSeconds(30));
        var result = await load.StopAsync();

        var stats = await topology.GetStatsAsync();
        var ids = await ClusterInspection.BoostedIdsAsync(topology.Client.Client, users);
        var extraExchanges = users.Sum(u => ClusterInspection.ExchangesOf(stats, ids[u]) - 1);
        output.WriteLine($"SIGKILL ({prefix}, {tries} tries within {budget.TotalSeconds} s): {affected.Count} of {UserCount} users on the killed silo; " +
            $"declared dead {detectedMs} ms after the kill; {result}; exchanges beyond one per user: {extraExchanges}");
        Assert.True(result.Failed == 0, $"{result}\n{topology.Output}");
        // Every user holds a valid token for the whole test; a grain activated anew serves the one its earlier activation stored.
        Assert.Equal(0, extraExchanges);
    }

    private static async Task<IHost> StartAppServerAsync(TopologySettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:ClusterId"] = settings.ClusterId,
            ["Cluster:ServiceId"] = settings.ServiceId,
            ["Storage:AzureTableConnectionString"] = settings.ConnectionString,
        });
        builder.AddBoostedTokens();
        var app = builder.Build();
        await app.StartAsync();
        return app;
    }
}
