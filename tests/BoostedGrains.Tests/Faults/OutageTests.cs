using System.Collections.Concurrent;
using System.Diagnostics;
using BoostedGrains.Emulator;
using BoostedGrains.Errors;
using BoostedGrains.Tokens;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// Fault 4: a total Boosted outage (every token and account call answered 503, slowly), then recovery. The outage is
/// 10 s instead of 30 s: what matters is that it outlasts the breaker's break duration several times (3 s here), so the
/// breaker opens, probes, re-opens and finally closes; 30 s would add 20 s of the same to the suite's 10-minute budget.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class OutageTests(OutageTests.Fixture boosted, ITestOutputHelper output) : IClassFixture<OutageTests.Fixture>
{
    private const int MaxConcurrentExchanges = 4;
    private const int Silos = 2;
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan TotalRequestTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    public sealed class Fixture : ProxiedCluster
    {
        protected override IDictionary<string, string?> FaultSettings => new Dictionary<string, string?>
        {
            ["Boosted:MaxConcurrentExchanges"] = MaxConcurrentExchanges.ToString(),
            ["Boosted:MaxQueuedRequests"] = "8",
            ["Boosted:MaxRetries"] = "3",
            ["Boosted:RequestTimeout"] = "00:00:02",
            ["Boosted:TotalRequestTimeout"] = TotalRequestTimeout.ToString(),
            ["Boosted:BreakDuration"] = BreakDuration.ToString(),
            ["Boosted:BreakerSamplingDuration"] = "00:00:10",
        };
    }

    private sealed record Call(TimeSpan Start, TimeSpan Elapsed, bool Served, Exception? Error);

    [Fact]
    public async Task Token_holders_are_unaffected_others_fail_fast_typed_in_flight_stays_bounded_and_calls_after_recovery_succeed()
    {
        var warm = Enumerable.Range(0, 20).Select(i => boosted.Client.GetUserTokenGrain($"holder-{i}-{Guid.NewGuid():N}")).ToArray();
        var held = await InBatchesAsync(warm);
        var rejected = Enumerable.Range(0, 10).Select(i => boosted.Client.GetUserTokenGrain($"rejected-{i}-{Guid.NewGuid():N}")).ToArray();
        var rejectedTokens = await InBatchesAsync(rejected);

        var clock = Stopwatch.StartNew();
        boosted.Emulator.SetFaults(new EmulatorFaults { Outage = true, LatencyMs = 500 });
        // Boosted refused these tokens: their users now have none and must wait for Boosted.
        for (var i = 0; i < rejected.Length; i++)
            await rejected[i].ReportRejectedTokenAsync(rejectedTokens[i].Sha256);
        TimeSpan? recoveredAt = null;
        var recoveredOnProxy = TimeSpan.MaxValue;
        var stop = Outage + BreakDuration + TimeSpan.FromSeconds(4);

        var warmCalls = new ConcurrentBag<Call>();
        var otherCalls = new ConcurrentBag<Call>();
        var recovery = Task.Run(async () =>
        {
            await Task.Delay(Outage);
            boosted.Emulator.SetFaults(new EmulatorFaults());
            recoveredAt = clock.Elapsed;
            recoveredOnProxy = boosted.Proxy.Now;
        });
        var warmLoops = Enumerable.Range(0, 4).Select(loop => Task.Run(async () =>
        {
            for (var n = 0; clock.Elapsed < stop; n++)
            {
                var i = (loop * 5 + n) % warm.Length;
                var started = clock.Elapsed;
                var token = await warm[i].GetAccessTokenAsync();
                warmCalls.Add(new Call(started, clock.Elapsed - started, token.Value == held[i].Value, null));
                await Task.Delay(20);
            }
        }));
        var otherLoops = Enumerable.Range(0, 16).Select(loop => Task.Run(async () =>
        {
            for (var n = 0; clock.Elapsed < stop; n++)
            {
                var grain = n % 2 == 0 ? rejected[(loop + n) % rejected.Length] : boosted.Client.GetUserTokenGrain($"new-{loop}-{n}-{Guid.NewGuid():N}");
                var started = clock.Elapsed;
                try
                {
                    await grain.GetAccessTokenAsync();
                    otherCalls.Add(new Call(started, clock.Elapsed - started, true, null));
                }
                catch (Exception e)
                {
                    otherCalls.Add(new Call(started, clock.Elapsed - started, false, e));
                    await Task.Delay(20);
                }
            }
        }));
        await Task.WhenAll([recovery, .. warmLoops, .. otherLoops]);
        var stats = boosted.Emulator.GetStats();

        // Token holders: every call served with the token they held, never waiting for Boosted.
        Assert.All(warmCalls, c => Assert.True(c.Served, "a token holder got another token"));
        var warmMax = warmCalls.Max(c => c.Elapsed);
        Assert.True(warmMax < TimeSpan.FromSeconds(1), $"a token holder waited {warmMax.TotalMilliseconds:0} ms");

        // Others during the outage: typed 'unavailable', never longer than the total timeout, mostly at once (breaker).
        var during = otherCalls.Where(c => c.Start + c.Elapsed < Outage).ToList();
        Assert.DoesNotContain(during, c => c.Served);
        Assert.All(during, c => Assert.IsType<BoostedUnavailableException>(c.Error));
        Assert.All(during, c => Assert.True(c.Elapsed <= TotalRequestTimeout + Slack, $"a caller waited {c.Elapsed.TotalMilliseconds:0} ms"));
        var fast = during.Count(c => c.Elapsed < TimeSpan.FromMilliseconds(250));
        Assert.True(fast > during.Count / 2, $"only {fast} of {during.Count} failed within 250 ms");
        Assert.Contains(during, c => c.Error!.Message.Contains("circuit open"));

        // No pile-up: Boosted never saw more exchanges at once than the silos' bound.
        Assert.InRange(stats.MaxInFlightTokenRequests, 1, Silos * MaxConcurrentExchanges);

        // Recovery: every request that reaches Boosted after it recovered succeeds. Breakers are per silo and per
        // pipeline (exchanges, provisioning): until each has probed, its calls fail fast with 'circuit open', and from
        // one break duration after recovery on, every call succeeds.
        var recovered = recoveredAt!.Value;
        var wireAfter = boosted.Proxy.TokenRequests.Where(r => r.ReceivedAt > recoveredOnProxy).ToList();
        Assert.NotEmpty(wireAfter);
        Assert.All(wireAfter, r => Assert.Equal(200, r.Status));
        var after = otherCalls.Where(c => c.Start >= recovered).OrderBy(c => c.Start).ToList();
        var firstServed = after.First(c => c.Served);
        var failedAfter = after.Where(c => !c.Served).ToList();
        Assert.All(failedAfter, c => Assert.Contains("circuit open", c.Error!.Message));
        Assert.All(failedAfter, c => Assert.True(c.Start < recovered + BreakDuration + Slack, $"a call {(c.Start - recovered).TotalMilliseconds:0} ms after recovery failed"));
        Assert.Contains(after, c => c.Start > recovered + BreakDuration + Slack && c.Served);
        var lag = firstServed.Start + firstServed.Elapsed - recovered;
        Assert.True(lag <= BreakDuration + Slack, $"first success {lag.TotalMilliseconds:0} ms after recovery");
        foreach (var grain in rejected)
            Assert.NotNull((await grain.GetStatusAsync()).ExpiresAt);
        for (var i = 0; i < warm.Length; i++)
            Assert.Equal(held[i].Value, (await warm[i].GetAccessTokenAsync()).Value);

        const string fault = "4. 10 s outage";
        FaultFigures.Record(output, fault, "token holders: calls / served with their token / max wait", $"{warmCalls.Count} / {warmCalls.Count(c => c.Served)} / {warmMax.TotalMilliseconds:0} ms");
        FaultFigures.Record(output, fault, "others during outage: calls / typed unavailable", $"{during.Count} / {during.Count(c => c.Error is BoostedUnavailableException)}");
        FaultFigures.Record(output, fault, "others during outage: failed within 250 ms / circuit open / max wait",
            $"{fast} / {during.Count(c => c.Error!.Message.Contains("circuit open"))} / {during.Max(c => c.Elapsed).TotalMilliseconds:0} ms");
        FaultFigures.Record(output, fault, "max token requests in flight at Boosted (bound 2 × 4)", stats.MaxInFlightTokenRequests);
        FaultFigures.Record(output, fault, "after recovery: calls failed fast before the breaker closed / served", $"{failedAfter.Count} / {after.Count(c => c.Served)}");
        FaultFigures.Record(output, fault, "recovery to first success (BreakDuration 3 s)", lag);
        FaultFigures.Record(output, fault, "token requests reaching Boosted after recovery / answered 200", $"{wireAfter.Count} / {wireAfter.Count(r => r.Status == 200)}");
    }

    // Healthy traffic within the silos' bound (4 running + 8 queued each), so the set-up itself is never refused.
    private static async Task<AccessToken[]> InBatchesAsync(IUserTokenGrain[] grains)
    {
        var tokens = new List<AccessToken>();
        foreach (var batch in grains.Chunk(MaxConcurrentExchanges))
            tokens.AddRange(await Task.WhenAll(batch.Select(g => g.GetAccessTokenAsync())));
        return [.. tokens];
    }
}
