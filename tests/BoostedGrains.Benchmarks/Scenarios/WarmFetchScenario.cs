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
        INoopGrain Noop(string user) => noops.For(user);
        await Task.WhenAll(users.Select(async u => await Noop(u).HoldAsync(await client.GetUserTokenGrain(u).GetAccessTokenAsync())));
        var exchangesBefore = cluster.UserExchanges();

        // References are made per call, as an app server does with the user of each request.
        Task<AccessToken> Fetch(long i) => client.GetUserTokenGrain(users[i % users.Length]).GetAccessTokenAsync();
        async Task MeasureGrainAsync(int callers, string against, string baselineName, Func<long, Task> baseline)
        {
            var (noop, token, ratios) = ClosedLoop.Summarize(await ClosedLoop.PairedAsync(
                callers, settings.WarmupPerSide, settings.MeasurePerSide, settings.Slices, settings.Repetitions, baseline, Fetch));
            report.Row("1", $"warm fetch, Orleans client, {callers} caller{(callers == 1 ? "" : "s")}{against}",
                token.Describe("calls"), baselineName + ": " + noop.Describe("calls"), ratios);
        }

        foreach (var callers in grainRows ? settings.GrainConcurrency : [])
            await MeasureGrainAsync(callers, "", "no-op grain call", i => Noop(users[i % users.Length]).PingAsync());
        // Where the cores are busy, which is where row 1's gap is: at 1 caller the two are within the noise of each other.
        foreach (var callers in grainRows && floorBaselines ? settings.GrainConcurrency.Where(c => c > 1) : [])
        {
            await MeasureGrainAsync(callers, "; vs the same answer from a no-op", "no-op grain call answering the user's token",
                i => Noop(users[i % users.Length]).AnswerAsync());
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
        async Task MeasureAsync(string against, string baselineName, Func<long, Task> baseline)
        {
            var (noop, token, ratios) = ClosedLoop.Summarize(await ClosedLoop.PairedAsync(
                callers, settings.WarmupPerSide, settings.MeasurePerSide, settings.Slices, settings.Repetitions,
                baseline, i => PostAsync(tokenPaths[i % tokenPaths.Length])));
            report.Row("2", $"warm fetch, HTTP token API, {callers} callers{against}", token.Describe("req"), baselineName + ": " + noop.Describe("req"), ratios);
        }

        await MeasureAsync("", "no-op endpoint", _ => PostAsync(BenchCluster.NoopPath));
        // The floor of any API whose answer comes from a grain: what is left is the token API's own work (the key, its
        // budget, the silo-loss retry, the JSON answer).
        if (floorBaseline)
            await MeasureAsync("; vs a no-op endpoint that makes one grain call", "no-op endpoint calling the user's no-op grain",
                i => PostAsync(noopGrainPaths[i % noopGrainPaths.Length]));
    }
}
