using System.Net.Http.Headers;
using BoostedGrains.Benchmarks.Baselines;
using BoostedGrains.Benchmarks.Infrastructure;
using BoostedGrains.Benchmarks.Reporting;
using BoostedGrains.Keys;
using BoostedGrains.Tokens;

namespace BoostedGrains.Benchmarks.Scenarios;

/// <summary>
/// Rows 1 and 2: a warm token fetch (the user's grain holds a valid token) through an external Orleans client and
/// through the HTTP token API, each against a no-op on the same silo, measured in alternating slices.
/// </summary>
public static class WarmFetchScenario
{
    /// <param name="floorBaselines">
    /// Also measure each row against a baseline that does only what the row cannot leave out: row 1 against a no-op
    /// that answers the user's token (moving the answer), row 2 against a no-op endpoint that makes one grain call;
    /// full mode, or quick mode with <c>--rows</c>.
    /// </param>
    public static async Task RunAsync(BenchSettings settings, Report report, bool grainRows, bool httpRow, bool floorBaselines)
    {
        Console.WriteLine("Rows 1-2: warm fetches (1 silo, 1 external client)...");
        await using var cluster = await BenchCluster.StartAsync(new ClusterSpec(1, 1, KeyAlgorithm.RS256, settings.BoostedLatencyMs));
        var users = Enumerable.Range(0, settings.WarmUsers).Select(i => $"warm-{i}").ToArray();
        var failed = await UserGrains.FetchAllAsync(cluster.Client, users);
        if (failed > 0)
            throw new InvalidOperationException($"{failed} users could not get a first token; the warm rows would measure errors.");

        var client = cluster.Client;
        var noops = new NoopGrains(client);
        await Task.WhenAll(users.Select(async u => await noops.For(u).HoldAsync(await client.GetUserTokenGrain(u).GetAccessTokenAsync())));
        var exchangesBefore = cluster.UserExchanges();

        // References are made per call, as an app server does with the user of each request.
        Task<AccessToken> Fetch(long i) => client.GetUserTokenGrain(users[i % users.Length]).GetAccessTokenAsync();
        Task Ping(long i) => noops.For(users[i % users.Length]).PingAsync();
        Task<AccessToken> Answer(long i) => noops.For(users[i % users.Length]).AnswerAsync();
        Task MeasureGrainAsync(string what, int callers, string baselineName, Func<long, Task> baseline, Func<long, Task> subject) =>
            PairAsync(settings, report, "1", what, callers, "calls", baselineName, baseline, subject);

        foreach (var callers in grainRows ? settings.GrainConcurrency : [])
            await MeasureGrainAsync("warm fetch, Orleans client, {0}", callers, "no-op grain call", Ping, Fetch);
        // Where the cores are busy, which is where row 1's gap is: at 1 caller the two are within the noise of each other.
        foreach (var callers in grainRows && floorBaselines ? settings.GrainConcurrency.Where(c => c > 1) : [])
        {
            await MeasureGrainAsync("warm fetch, Orleans client, {0}; vs the same answer from a no-op", callers,
                "no-op grain call answering the user's token", Answer, Fetch);
            // The highest ratio any token fetch can reach against the plain no-op: a call that does nothing but answer.
            await MeasureGrainAsync("floor: a no-op grain call answering the user's token, {0}", callers, "no-op grain call", Ping, Answer);
        }

        foreach (var callers in httpRow ? settings.HttpConcurrency : [])
            await MeasureHttpAsync(settings, report, cluster, users, callers, floorBaselines);

        var exchanges = cluster.UserExchanges() - exchangesBefore;
        report.Note($"Rows 1-2: {users.Length:N0} warm users called in turn; {exchanges:N0} exchanges happened while measuring (warm means none). "
            + $"Each pair is measured {settings.Repetitions} times after one warm-up; the ratio is min / median / max over them, the figures are "
            + "the median repetition's. Allocated bytes per call count the whole process (load generator, client, silo) and are the robust figure.");
    }

    private static async Task MeasureHttpAsync(BenchSettings settings, Report report, BenchCluster cluster, string[] users, int callers, bool floorBaseline)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = callers, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = cluster.SiloUrls[0] };
        var auth = new AuthenticationHeaderValue("Bearer", cluster.ApiKey);
        var tokenPaths = users.Select(u => $"/v1/users/{Uri.EscapeDataString(u)}/token").ToArray();

        // Both send the same headers and no body; only the work behind the route differs.
        async Task PostAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path);
            request.Headers.Authorization = auth;
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"{path} answered {(int)response.StatusCode}.");
        }

        var noopGrainPaths = users.Select(u => $"{BenchCluster.NoopGrainPath}/{Uri.EscapeDataString(u)}").ToArray();
        Task Token(long i) => PostAsync(tokenPaths[i % tokenPaths.Length]);
        Task Noop(long _) => PostAsync(BenchCluster.NoopPath);
        Task NoopGrain(long i) => PostAsync(noopGrainPaths[i % noopGrainPaths.Length]);
        Task MeasureAsync(string what, string baselineName, Func<long, Task> baseline, Func<long, Task> subject) =>
            PairAsync(settings, report, "2", what, callers, "req", baselineName, baseline, subject);

        await MeasureAsync("warm fetch, HTTP token API, {0}", "no-op endpoint", Noop, Token);
        if (!floorBaseline)
            return;
        // Against the floor of any API whose answer comes from a grain, what is left is the token API's own work (the key,
        // its budget, the silo-loss retry, the JSON answer); the floor against the no-op endpoint is the highest ratio
        // such an API can reach.
        await MeasureAsync("warm fetch, HTTP token API, {0}; vs a no-op endpoint that makes one grain call",
            "no-op endpoint calling the user's no-op grain", NoopGrain, Token);
        await MeasureAsync("floor: a no-op endpoint that makes one grain call, {0}", "no-op endpoint", Noop, NoopGrain);
    }

    /// <summary>
    /// Measures <paramref name="subject"/> against <paramref name="baseline"/> in alternating slices and adds the row;
    /// <paramref name="what"/> names the callers with <c>{0}</c>.
    /// </summary>
    private static async Task PairAsync(BenchSettings settings, Report report, string row, string what, int callers, string unit,
        string baselineName, Func<long, Task> baseline, Func<long, Task> subject)
    {
        var (noop, measured, ratios) = ClosedLoop.Summarize(await ClosedLoop.PairedAsync(
            callers, settings.WarmupPerSide, settings.MeasurePerSide, settings.Slices, settings.Repetitions, baseline, subject));
        report.Row(row, string.Format(what, $"{callers} caller{(callers == 1 ? "" : "s")}"), measured.Describe(unit), baselineName + ": " + noop.Describe(unit), ratios);
    }
}
