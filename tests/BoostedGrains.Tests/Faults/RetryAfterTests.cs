using BoostedGrains.Boosted;
using BoostedGrains.Testing;
using System.Diagnostics;
using BoostedGrains.Emulator;
using BoostedGrains.Errors;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tests.Tokens;
using BoostedGrains.Tokens;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>Fault 3: Boosted rate-limits token requests with 429 and <c>Retry-After</c>.</summary>
[Collection(FaultsCollection.Name)]
public sealed class RetryAfterTests(RetryAfterTests.Fixture boosted, ITestOutputHelper output) : IClassFixture<RetryAfterTests.Fixture>
{
    private const string TokenJson = """{"access_token":"tok-1","expires_in":3600,"token_type":"Bearer","scope":"thread"}""";
    private const int Callers = 8;
    private const double Limit = 2;

    public sealed class Fixture : ProxiedCluster
    {
        protected override IDictionary<string, string?> FaultSettings => new Dictionary<string, string?>();
    }

    [Fact]
    public async Task One_429_holds_back_every_call_of_the_silo_until_the_time_it_names()
    {
        // One silo's Boosted client, against a server that rate-limits the very first request only.
        await using var server = await ScriptedHttpServer.StartNthAsync((n, context) =>
        {
            if (n > 0)
                return ScriptedHttpServer.Json(context, 200, TokenJson);
            context.Response.Headers.RetryAfter = "1";
            return ScriptedHttpServer.Json(context, 429, """{"error":"rate_limited"}""");
        });
        await using var harness = new ClientHarness(server.Url);

        var first = harness.Tokens.ExchangeAsync("a.b.c", "thread");
        await Eventually.TrueAsync(() => server.Requests.Count == 1, "the first request was answered 429");
        await Task.Delay(50); // let the 429 reach the client (time is the behaviour here)
        var others = Enumerable.Range(0, 10).Select(_ => harness.Tokens.ExchangeAsync("a.b.c", "thread")).ToArray();
        await Task.WhenAll([first, .. others]);

        Assert.Equal(12, server.Requests.Count);
        var earliest = server.Requests.Skip(1).Min(r => r.At) - server.Requests[0].At;
        Assert.True(earliest >= TimeSpan.FromMilliseconds(990), $"a request left {earliest.TotalMilliseconds:0} ms after the 429 asked for 1 s");
        FaultFigures.Record(output, "3. 429 Retry-After: 1", "one silo: calls started during the wait / requests sent before it ended",
            $"10 / 0 (earliest {earliest.TotalMilliseconds:0} ms after the 429)");
    }

    [Fact]
    public async Task A_Retry_After_past_Boosted__MaxRetryAfter_fails_at_once_typed_and_holds_the_silo_back_for_the_cap_only()
    {
        await using var server = await ScriptedHttpServer.StartAsync((_, context) =>
        {
            context.Response.Headers.RetryAfter = "86400";
            return ScriptedHttpServer.Json(context, 429, """{"error":"rate_limited"}""");
        });
        await using var harness = new ClientHarness(server.Url);
        var cap = new BoostedOptions().MaxRetryAfter;

        var first = await Assert.ThrowsAsync<BoostedUnavailableException>(() => harness.Tokens.ExchangeAsync("a.b.c", "thread"));
        var next = await Assert.ThrowsAsync<BoostedUnavailableException>(() => harness.Tokens.ExchangeAsync("a.b.c", "thread"));

        Assert.Single(server.Requests);
        Assert.Equal((429, cap), (first.StatusCode, first.RetryAfter));
        Assert.Contains("Boosted__MaxRetryAfter", first.Message);
        Assert.Equal(429, next.StatusCode);
        Assert.InRange(next.RetryAfter!.Value, cap - TimeSpan.FromSeconds(10), cap);
    }

    [Fact]
    public async Task A_call_that_waits_for_a_slot_longer_than_Boosted__MaxQueueWait_fails_fast_typed_without_reaching_Boosted()
    {
        var release = new TaskCompletionSource();
        await using var server = await ScriptedHttpServer.StartNthAsync(async (n, context) =>
        {
            if (n == 0)
                await release.Task;
            await ScriptedHttpServer.Json(context, 200, TokenJson);
        });
        // The test is about these two settings: one slot, and a queue wait short enough to pass while the slot is held.
        await using var harness = new ClientHarness(server.Url, new Dictionary<string, string?>
        {
            ["Boosted:MaxConcurrentExchanges"] = "1",
            ["Boosted:MaxQueueWait"] = "00:00:00.300",
        });

        var holder = harness.Tokens.ExchangeAsync("a.b.c", "thread");
        await Eventually.TrueAsync(() => server.Requests.Count == 1, "the first exchange holds the only slot");
        var error = await Assert.ThrowsAsync<BoostedUnavailableException>(() => harness.Tokens.ExchangeAsync("a.b.c", "thread"));
        release.SetResult();
        await holder;

        Assert.Contains("Boosted__MaxQueueWait", error.Message);
        Assert.Null(error.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Under_a_rate_limit_no_retry_comes_early_and_the_clusters_exchange_rate_drops()
    {
        var healthy = await RunCallersAsync(TimeSpan.FromSeconds(2));
        boosted.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = Limit });
        var limited = await RunCallersAsync(TimeSpan.FromSeconds(5));
        boosted.Emulator.SetFaults(new EmulatorFaults());

        // Per call: every request after a 429 arrives no sooner than the 429 asked (same subject = same call).
        var requests = boosted.Proxy.TokenRequests.Where(r => r.ReceivedAt >= limited.Start && r.Subject is not null).ToList();
        var rateLimited = requests.Where(r => r.Status == 429).ToList();
        Assert.NotEmpty(rateLimited);
        var minGap = TimeSpan.MaxValue;
        foreach (var answer in rateLimited)
        {
            Assert.NotNull(answer.RetryAfterSeconds);
            var next = requests.Where(r => r.Subject == answer.Subject && r.ReceivedAt > answer.ReceivedAt).MinBy(r => r.ReceivedAt);
            if (next is null)
                continue;
            var gap = next.ReceivedAt - answer.AnsweredAt;
            minGap = gap < minGap ? gap : minGap;
            Assert.True(gap >= TimeSpan.FromSeconds(answer.RetryAfterSeconds!.Value) - TimeSpan.FromMilliseconds(10),
                $"a retry came {gap.TotalMilliseconds:0} ms after a 429 that asked for {answer.RetryAfterSeconds} s");
        }

        // The cluster backs off: its request rate stays within a few times Boosted's limit (the same 8 callers send
        // hundreds a second to a healthy Boosted). Not compared with the healthy phase's rate, which a stall of a loaded
        // machine during its 2 s can bring down to a few a second.
        Assert.True(limited.RequestsPerSecond <= 5 * Limit,
            $"healthy {healthy.RequestsPerSecond:0.0}/s, limited {limited.RequestsPerSecond:0.0}/s");
        Assert.True(limited.Served > 0);
        var accepted = requests.Count(r => r.Status == 200);
        // The emulator's bucket holds one second's worth: over the phase at most limit × seconds + burst succeed.
        Assert.InRange(accepted, 1, (int)(Limit * (limited.Elapsed.TotalSeconds + 1)) + 1);

        const string fault = "3. 429 at 2 req/s";
        FaultFigures.Record(output, fault, "healthy: token requests/s (8 callers)", healthy.RequestsPerSecond);
        FaultFigures.Record(output, fault, "limited: token requests/s (8 callers)", limited.RequestsPerSecond);
        FaultFigures.Record(output, fault, "limited: requests / 429 answers / accepted", $"{requests.Count} / {rateLimited.Count} / {accepted}");
        FaultFigures.Record(output, fault, "limited: calls served / failed typed (429, Retry-After)", $"{limited.Served} / {limited.Failed}");
        FaultFigures.Record(output, fault, "shortest gap between a 429 and that call's next request", minGap == TimeSpan.MaxValue ? "n/a" : $"{minGap.TotalMilliseconds:0} ms (Retry-After 1 s)");
    }

    private sealed record Phase(TimeSpan Start, TimeSpan Elapsed, int Requests, int Served, int Failed)
    {
        public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
    }

    // Callers that each ask for new users' tokens back to back for the phase, then finish the call in hand.
    private async Task<Phase> RunCallersAsync(TimeSpan duration)
    {
        var start = boosted.Proxy.Now;
        var clock = Stopwatch.StartNew();
        var served = 0;
        var failed = 0;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async caller =>
        {
            while (clock.Elapsed < duration)
            {
                try
                {
                    await boosted.Client.GetUserTokenGrain($"rate-{caller}-{Guid.NewGuid():N}").GetAccessTokenAsync();
                    Interlocked.Increment(ref served);
                }
                catch (BoostedUnavailableException e) when (e.StatusCode == 429 && e.RetryAfter is not null)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        var end = boosted.Proxy.Now;
        var requests = boosted.Proxy.TokenRequests.Count(r => r.ReceivedAt >= start && r.ReceivedAt <= end);
        return new Phase(start, end - start, requests, served, failed);
    }
}
