using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BoostedGrains.Emulator;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Tests.Gateway;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// Fault 4: a 35 s outage of every Boosted API (503) while app servers keep calling the real Silo's token API, then
/// recovery. Every setting is the product default; 35 s is several sampling windows and break durations of the breaker.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class OutageTests(SiloHostFixture silo, ITestOutputHelper output) : IClassFixture<SiloHostFixture>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(35);
    // Behaviour, not timing (the figures are recorded below and in docs/reliability.md): a newcomer's error comes from the
    // open breaker, long before the call's own timeout (Boosted__TotalRequestTimeout, 30 s); the silo serves new users again
    // after the outage without a restart, within this window.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RecoveryWindow = TimeSpan.FromSeconds(30);

    private sealed record Call(TimeSpan Start, TimeSpan Elapsed, HttpStatusCode Status, string? Code);

    [Fact]
    public async Task During_a_35_s_outage_holders_are_served_newcomers_fail_fast_typed_the_silo_stays_ready_and_Boosted_is_spared()
    {
        using var http = new HttpClient { BaseAddress = silo.BaseUrl };
        var holders = Enumerable.Range(0, 20).Select(i => $"holder-{i}-{Guid.NewGuid():N}").ToArray();
        var held = new Dictionary<string, string>();
        foreach (var user in holders)
            held[user] = (await TokenAsync(http, user)).Token!;

        var clock = Stopwatch.StartNew();
        var linesBefore = silo.Logs.Lines.Count;
        var before = silo.Emulator.GetStats();
        silo.Emulator.SetFaults(new EmulatorFaults { Outage = true });
        var holderCalls = new ConcurrentBag<(bool Same, HttpStatusCode Status)>();
        var newcomers = new ConcurrentBag<Call>();
        var readiness = new ConcurrentBag<(TimeSpan At, HttpStatusCode Status, string Body)>();
        var holderLoops = Enumerable.Range(0, 4).Select(loop => Task.Run(async () =>
        {
            for (var n = 0; clock.Elapsed < Outage; n++)
            {
                var user = holders[(loop * 5 + n) % holders.Length];
                var answer = await TokenAsync(http, user);
                holderCalls.Add((answer.Token == held[user], answer.Status));
                await Task.Delay(20);
            }
        }));
        var newcomerLoops = Enumerable.Range(0, 8).Select(loop => Task.Run(async () =>
        {
            while (clock.Elapsed < Outage)
            {
                var started = clock.Elapsed;
                var answer = await TokenAsync(http, $"new-{loop}-{Guid.NewGuid():N}");
                newcomers.Add(new Call(started, clock.Elapsed - started, answer.Status, answer.Code));
                await Task.Delay(20);
            }
        }));
        var readinessLoop = Task.Run(async () =>
        {
            while (clock.Elapsed < Outage)
            {
                using var response = await http.GetAsync("/healthz/ready");
                readiness.Add((clock.Elapsed, response.StatusCode, await response.Content.ReadAsStringAsync()));
                await Task.Delay(500);
            }
        });
        // What Boosted received once the breaker had opened: before it, failures must outnumber the successes of the
        // sampling window (the holders' warm-up), which costs a burst at the start of the outage.
        var openedBy = TimeSpan.FromSeconds(5);
        var atOpened = Task.Run(async () =>
        {
            await Task.Delay(openedBy);
            return (At: clock.Elapsed, Failed: Failed503(silo.Emulator.GetStats()));
        });
        await Task.WhenAll([.. holderLoops, .. newcomerLoops, readinessLoop, atOpened]);
        var after = silo.Emulator.GetStats();
        var requestsDuringOutage = Failed503(after) - Failed503(before);
        var tokenRequests = after.TokenRequests - before.TokenRequests;
        var outageLength = clock.Elapsed;

        silo.Emulator.SetFaults(new EmulatorFaults());
        // What an operator reads: the silo's warnings and errors over the outage, at most 10 (a line per change).
        var warnings = silo.Logs.Lines.Skip(linesBefore)
            .Where(l => l.StartsWith("Warning ", StringComparison.Ordinal) || l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal))
            .Select(l => l.Split(" | ")[0]).ToList();
        var recovered = clock.Elapsed;
        TimeSpan? lag = null;
        while (lag is null && clock.Elapsed - recovered < RecoveryWindow)
        {
            var answer = await TokenAsync(http, $"after-{Guid.NewGuid():N}");
            if (answer.Status == HttpStatusCode.OK)
                lag = clock.Elapsed - recovered;
            else
                await Task.Delay(100);
        }

        Assert.All(holderCalls, c => Assert.Equal((true, HttpStatusCode.OK), (c.Same, c.Status)));
        Assert.True(warnings.Count <= 10, $"{warnings.Count} warning lines:{Environment.NewLine}{string.Join(Environment.NewLine, warnings.Take(30))}");
        Assert.NotEmpty(newcomers);
        Assert.All(newcomers, c => Assert.Equal((HttpStatusCode.ServiceUnavailable, "boosted_unavailable"), (c.Status, c.Code)));
        var slowest = newcomers.Max(c => c.Elapsed);
        Assert.True(slowest < CallTimeout, $"a newcomer waited {slowest.TotalMilliseconds:0} ms for its error: the call's timeout, not the breaker, answered it");
        Assert.All(readiness, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        // Degraded once no call has succeeded for Health__BoostedWindow (10 s): well before the outage ends.
        Assert.Equal("Degraded", readiness.MaxBy(r => r.At).Body);
        var opened = await atOpened;
        var probes = Failed503(after) - opened.Failed;
        var probesPerSecond = probes / (outageLength - opened.At).TotalSeconds;
        Assert.True(probesPerSecond <= 1.0, $"Boosted received {probes} requests in the {(outageLength - opened.At).TotalSeconds:0} s after the breaker opened");
        Assert.True(requestsDuringOutage / outageLength.TotalSeconds <= 1.0, $"Boosted received {requestsDuringOutage} requests in the {outageLength.TotalSeconds:0} s outage");
        Assert.True(lag is not null, $"no new user was served in the {RecoveryWindow.TotalSeconds:0} s after Boosted came back");

        const string fault = "4. 35 s outage, defaults";
        FaultFigures.Record(output, fault, "warning lines of the silo over the outage", warnings.Count);
        FaultFigures.Record(output, fault, "token holders: calls / served with their token", $"{holderCalls.Count} / {holderCalls.Count(c => c.Same)}");
        FaultFigures.Record(output, fault, "newcomers: calls / typed 503 boosted_unavailable / median / slowest",
            $"{newcomers.Count} / {newcomers.Count(c => c.Code == "boosted_unavailable")} / {Median(newcomers.Select(c => c.Elapsed)).TotalMilliseconds:0} ms / {slowest.TotalMilliseconds:0} ms");
        FaultFigures.Record(output, fault, "/healthz/ready: samples / 200 / first Degraded",
            $"{readiness.Count} / {readiness.Count(r => r.Status == HttpStatusCode.OK)} / {readiness.Where(r => r.Body == "Degraded").Min(r => r.At).TotalSeconds:0.0} s into the outage");
        FaultFigures.Record(output, fault, "requests Boosted received during the outage (one silo)",
            $"{requestsDuringOutage} ({tokenRequests} token, {requestsDuringOutage - tokenRequests} account) in {outageLength.TotalSeconds:0.0} s = {requestsDuringOutage / outageLength.TotalSeconds:0.00}/s");
        FaultFigures.Record(output, fault, "of which in the first 5 s / after (half-open probes, readiness probes)",
            $"{requestsDuringOutage - probes} / {probes} = {probesPerSecond:0.00}/s");
        FaultFigures.Record(output, fault, "recovery to the first new user served", lag!.Value);
    }

    private static long Failed503(EmulatorStats stats) => stats.Failures.TryGetValue("503", out var n) ? n : 0;

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static async Task<(HttpStatusCode Status, string? Token, string? Code)> TokenAsync(HttpClient http, string user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/users/{user}/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayOptions.DevelopmentApiKey);
        using var response = await http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        return (response.StatusCode,
            root.TryGetProperty("access_token", out var token) ? token.GetString() : null,
            root.TryGetProperty("code", out var code) ? code.GetString() : null);
    }
}
