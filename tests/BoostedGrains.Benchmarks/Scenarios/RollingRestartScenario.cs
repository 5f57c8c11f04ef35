using System.Diagnostics;
using BoostedGrains.Benchmarks.Infrastructure;
using BoostedGrains.Benchmarks.Reporting;
using BoostedGrains.Emulator;
using BoostedGrains.Testing;

namespace BoostedGrains.Benchmarks.Scenarios;

/// <summary>
/// Row 7: a rolling restart of 3 real silo processes (this build's Silo, product defaults, Azure Table storage on a real
/// Azurite) with the emulator process as Boosted. Every user gets a token first; then each silo in turn gets SIGTERM and
/// is started again (ready on <c>/healthz/ready</c>) while app servers keep calling the other silos' token APIs for
/// random users; then every user asks once more. Boosted's own counts say what the restart cost.
/// </summary>
public static class RollingRestartScenario
{
    // Silo 0 last: it serves the JWKS Boosted was given (as in docker-compose.yml).
    private static readonly int[] RestartOrder = [1, 2, 0];

    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        Console.WriteLine($"Row 7: rolling restart of 3 silo processes, {settings.RestartUsers:N0} users...");
        var azurite = new AzuriteServer();
        await azurite.InitializeAsync();
        try
        {
            await using var topology = await ProcessTopology.StartAsync(azurite, silos: 3);
            var result = await MeasureAsync(settings, topology);
            report.Row("7", $"rolling restart of 3 silo processes (SIGTERM, ready, next), {settings.RestartUsers:N0} users with valid tokens, "
                + $"{settings.RestartCallers} callers on the other silos' token API", result.Describe(), "goal: 0 exchanges, 0 failed calls, every token the same",
                result.Exchanges == 0 ? "0" : result.Exchanges.ToString("N0"));
            report.Note($"Row 7: {Path.GetRelativePath(RepositoryRoot.Path, RepoPaths.SiloDll)} and the emulator as their own processes on a real Azurite "
                + "(tests/Azurite), product defaults; the emulator adds no latency and issues 1-hour tokens, so every user's token stays valid "
                + "(renewal ahead starts at 70 % of its lifetime) and any exchange after the first is one a restart caused. "
                + $"Each silo left the load before its SIGTERM; {result.RestartDetail}. Exchanges and user creations are Boosted's (the emulator's) counts. "
                + $"Load average {result.LoadBefore} before, {result.LoadAfter} after the row.");
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    private static async Task<Result> MeasureAsync(BenchSettings settings, ProcessTopology topology)
    {
        var loadBefore = MachineInfo.LoadAverage();
        var users = Enumerable.Range(0, settings.RestartUsers).Select(i => $"restart-{Guid.NewGuid():N}"[..16] + $"-{i}").ToArray();
        using var api = new SiloApis(topology.Settings);

        // Every user gets a token, from the silos in turn; the first alone (it creates the organization and workspace).
        var first = new SiloApis.Answer[users.Length];
        var clock = Stopwatch.StartNew();
        first[0] = await api.GetTokenAsync(0, users[0]);
        await Parallel.ForAsync(1, users.Length, new ParallelOptions { MaxDegreeOfParallelism = settings.RestartCallers },
            async (i, _) => first[i] = await api.GetTokenAsync(i % 3, users[i]));
        var warmUpSeconds = clock.Elapsed.TotalSeconds;
        var firstTokens = first.Select(a => a.Token).ToArray();
        Console.WriteLine($"  every user has a token ({warmUpSeconds:N0} s); restarting silos {string.Join(", ", RestartOrder)} in turn...");
        var afterWarmUp = await topology.GetStatsAsync();

        var load = SurvivorLoad.Start(api, users, firstTokens, settings.RestartCallers);
        var restartClock = Stopwatch.StartNew();
        var perSilo = new List<string>();
        foreach (var index in RestartOrder)
        {
            var siloClock = Stopwatch.StartNew();
            await load.LeaveAsync(index);
            await topology.RestartSiloAsync(index);
            api.Reconnect(index);
            load.Rejoin(index);
            perSilo.Add($"silo {index} {siloClock.Elapsed.TotalSeconds:N1} s");
            Console.WriteLine($"  silo {index} restarted and ready ({siloClock.Elapsed.TotalSeconds:N0} s)");
        }
        var restartSeconds = restartClock.Elapsed.TotalSeconds;
        var during = await load.StopAsync();
        var afterRestart = await topology.GetStatsAsync();

        // Every user asks once more, from the silos in turn.
        var last = new SiloApis.Answer[users.Length];
        clock.Restart();
        await Parallel.ForAsync(0, users.Length, new ParallelOptions { MaxDegreeOfParallelism = settings.RestartCallers },
            async (i, _) => last[i] = await api.GetTokenAsync(i % 3, users[i]));
        var finalSeconds = clock.Elapsed.TotalSeconds;
        var end = await topology.GetStatsAsync();

        return new Result(
            Users: users.Length,
            WarmUpSeconds: warmUpSeconds,
            WarmUpExchanges: TotalExchanges(afterWarmUp),
            // The partner's own token (assertion sub = its client ID), which creates the users at Boosted.
            WarmUpPartnerExchanges: afterWarmUp.Exchanges.GetValueOrDefault(topology.Settings.ClientId),
            WarmUpFailed: first.Count(a => a.Token is null),
            RestartSeconds: restartSeconds,
            RestartDetail: string.Join(", ", perSilo) + " from leaving the load to ready",
            ExchangesDuring: TotalExchanges(afterRestart) - TotalExchanges(afterWarmUp),
            ExchangesAfter: TotalExchanges(end) - TotalExchanges(afterRestart),
            UsersCreated: end.Creates.User,
            LoadCalls: during.Calls,
            LoadFailed: during.Failed,
            LoadChanged: during.Changed,
            FinalSeconds: finalSeconds,
            FinalFailed: last.Count(a => a.Token is null),
            Same: Enumerable.Range(0, users.Length).Count(i => firstTokens[i] is not null && firstTokens[i] == last[i].Token),
            Errors: [.. first.Concat(last).Select(a => a.Error).OfType<string>().Concat(during.Errors).Distinct()],
            LoadBefore: loadBefore,
            LoadAfter: MachineInfo.LoadAverage());
    }

    private static long TotalExchanges(EmulatorStats stats) => stats.Exchanges.Values.Sum();

    private sealed record Result(int Users, double WarmUpSeconds, long WarmUpExchanges, long WarmUpPartnerExchanges, int WarmUpFailed, double RestartSeconds, string RestartDetail,
        long ExchangesDuring, long ExchangesAfter, long UsersCreated, long LoadCalls, long LoadFailed, long LoadChanged, double FinalSeconds, int FinalFailed, int Same,
        IReadOnlyList<string> Errors, string LoadBefore, string LoadAfter)
    {
        public long Exchanges => ExchangesDuring + ExchangesAfter;

        public string Describe() =>
            $"**{ExchangesDuring:N0} exchanges during, {ExchangesAfter:N0} after** the restart ({RestartSeconds:N1} s); "
            + $"calls during it {LoadCalls:N0}, failed {LoadFailed:N0}, other token than the first {LoadChanged:N0}; "
            + $"after it {Users:N0} calls in {FinalSeconds:N1} s, failed {FinalFailed:N0}, same token as before {Same:N0} of {Users:N0}. "
            + $"Before: {Users:N0} first calls in {WarmUpSeconds:N1} s, {WarmUpExchanges:N0} exchanges ({WarmUpPartnerExchanges:N0} of them the partner's own token, which creates users), failed {WarmUpFailed:N0}; "
            + $"Boosted users created in all {UsersCreated:N0}"
            + (Errors.Count == 0 ? "" : $"; errors: {string.Join("; ", Errors.Take(5))}");
    }

    /// <summary>
    /// App servers calling the token API of the silos in service for random users, one try per call, as a load balancer
    /// does: a silo leaves before it stops (its calls in flight finish first) and rejoins once ready. Counts calls,
    /// failures and answers that differ from the user's first token.
    /// </summary>
    private sealed class SurvivorLoad
    {
        // Paced, as the hosting tests' load is, so that the callers leave the silos some CPU on 2 cores.
        private static readonly TimeSpan Pacing = TimeSpan.FromMilliseconds(20);

        private readonly SiloApis _api;
        private readonly string[] _users;
        private readonly string?[] _tokens;
        private readonly bool[] _inService;
        private readonly int[] _inFlight;
        private readonly CancellationTokenSource _stop = new();
        private readonly HashSet<string> _errors = [];
        private readonly List<Task> _callers;
        private long _calls, _failed, _changed;

        private SurvivorLoad(SiloApis api, string[] users, string?[] tokens, int callers)
        {
            _api = api;
            _users = users;
            _tokens = tokens;
            _inService = [.. Enumerable.Repeat(true, api.Count)];
            _inFlight = new int[api.Count];
            _callers = [.. Enumerable.Range(0, callers).Select(_ => Task.Run(CallAsync))];
        }

        public static SurvivorLoad Start(SiloApis api, string[] users, string?[] tokens, int callers) => new(api, users, tokens, callers);

        /// <summary>Takes <paramref name="silo"/> out of the load and waits until its calls in flight have answered.</summary>
        public async Task LeaveAsync(int silo)
        {
            Volatile.Write(ref _inService[silo], false);
            while (Volatile.Read(ref _inFlight[silo]) > 0)
                await Task.Delay(10);
        }

        public void Rejoin(int silo) => Volatile.Write(ref _inService[silo], true);

        public async Task<(long Calls, long Failed, long Changed, IReadOnlyList<string> Errors)> StopAsync()
        {
            _stop.Cancel();
            await Task.WhenAll(_callers);
            lock (_errors)
                return (_calls, _failed, _changed, [.. _errors]);
        }

        private async Task CallAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var silo = Random.Shared.Next(_api.Count);
                Interlocked.Increment(ref _inFlight[silo]);
                try
                {
                    // Checked after counting the call in flight, so that LeaveAsync never misses one.
                    if (!Volatile.Read(ref _inService[silo]))
                        continue;
                    var user = Random.Shared.Next(_users.Length);
                    var answer = await _api.GetTokenAsync(silo, _users[user]);
                    Interlocked.Increment(ref _calls);
                    if (answer.Error is not null)
                    {
                        Interlocked.Increment(ref _failed);
                        lock (_errors)
                            _errors.Add(answer.Error);
                    }
                    else if (answer.Token != _tokens[user])
                        Interlocked.Increment(ref _changed);
                }
                finally
                {
                    Interlocked.Decrement(ref _inFlight[silo]);
                }
                await Task.Delay(Pacing);
            }
        }
    }
}
