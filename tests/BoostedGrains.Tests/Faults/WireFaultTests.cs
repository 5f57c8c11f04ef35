using System.Collections.Concurrent;
using BoostedGrains.Errors;
using BoostedGrains.Tests.Tokens;
using BoostedGrains.Tokens;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>Fault 5: connections reset and answers cut short on the wire between a silo and Boosted.</summary>
[Collection(FaultsCollection.Name)]
public sealed class WireFaultTests(WireFaultTests.Fixture boosted, ITestOutputHelper output) : IClassFixture<WireFaultTests.Fixture>
{
    private const int Users = 10;
    private const int FaultEvery = 3;

    public sealed class Fixture : ProxiedCluster
    {
        protected override IDictionary<string, string?> FaultSettings => new Dictionary<string, string?>();
    }

    [Fact]
    public async Task A_reset_before_Boosted_saw_the_request_is_retried_and_every_user_is_served_once()
    {
        var result = await RunWithFirstAttemptFaultAsync("reset", WireFault.ResetBeforeForwarding);

        // Each faulted user: the reset attempt (never reached Boosted), then one accepted exchange; the others one of each.
        Assert.Equal(Users / FaultEvery, result.PerUser.Count(r => r == new UserResult(2, 1, 2)));
        Assert.Equal(Users - Users / FaultEvery, result.PerUser.Count(r => r == new UserResult(1, 1, 1)));
        Assert.Equal(Users, result.Exchanges);
        FaultFigures.Record(output, "5. connection reset", "users served / requests / resets / exchanges", $"{Users} / {result.PerUser.Sum(r => r.Requests)} / {Users / FaultEvery} / {result.Exchanges}");
    }

    [Fact]
    public async Task An_answer_cut_short_after_Boosted_accepted_is_retried_with_a_fresh_assertion_and_every_user_is_served()
    {
        var result = await RunWithFirstAttemptFaultAsync("truncated", WireFault.TruncateAnswer);

        // Boosted accepted the first assertion and its answer was lost: a retry must not replay that jti (docs/boosted-api.md §2),
        // or Boosted refuses it as invalid_grant and the user is wrongly told the keys are misconfigured.
        Assert.Equal(Users / FaultEvery, result.PerUser.Count(r => r == new UserResult(2, 2, 2)));
        Assert.Equal(Users - Users / FaultEvery, result.PerUser.Count(r => r == new UserResult(1, 1, 1)));
        Assert.Equal(Users + Users / FaultEvery, result.Exchanges);
        Assert.Equal(0, result.InvalidGrants);
        FaultFigures.Record(output, "5. truncated answer", "users served / requests / truncated / exchanges / replays refused",
            $"{Users} / {result.PerUser.Sum(r => r.Requests)} / {Users / FaultEvery} / {result.Exchanges} / {result.InvalidGrants}");
    }

    [Fact]
    public async Task A_retry_after_a_lost_answer_carries_a_newly_signed_assertion()
    {
        const string tokenJson = """{"access_token":"tok-1","expires_in":3600,"token_type":"Bearer","scope":"thread"}""";
        await using var server = await ScriptedHttpServer.StartNthAsync(async (n, context) =>
        {
            if (n > 0)
            {
                await ScriptedHttpServer.Json(context, 200, tokenJson);
                return;
            }
            context.Response.ContentLength = tokenJson.Length;
            await context.Response.WriteAsync(tokenJson[..8]);
            await context.Response.Body.FlushAsync();
            context.Abort();
        });
        await using var harness = new ClientHarness(server.Url);
        var signed = 0;

        var token = await harness.Tokens.ExchangeAsync(_ => ValueTask.FromResult($"h.assertion-{Interlocked.Increment(ref signed)}.s"), "thread");

        Assert.Equal("tok-1", token.Value);
        Assert.Equal(2, signed);
        Assert.Equal(new[] { "h.assertion-1.s", "h.assertion-2.s" },
            server.Requests.Select(r => System.Web.HttpUtility.ParseQueryString(r.Body)["subject_token"] ?? "").ToArray());
    }

    [Fact]
    public async Task An_answer_that_stalls_after_its_headers_is_cut_by_the_attempt_timeout_and_retried()
    {
        var release = new TaskCompletionSource();
        await using var server = await ScriptedHttpServer.StartAsync(async (_, context) =>
        {
            context.Response.ContentLength = 500;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"access_token":""");
            await context.Response.Body.FlushAsync();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
        });
        await using var harness = new ClientHarness(server.Url, new Dictionary<string, string?>
        {
            ["Boosted:MaxRetries"] = "1",
            ["Boosted:RequestTimeout"] = "00:00:00.500",
            ["Boosted:TotalRequestTimeout"] = "00:00:03",
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<BoostedUnavailableException>(() => harness.Tokens.ExchangeAsync("a.b.c", "thread"));
        var elapsed = clock.Elapsed;
        release.SetResult();

        Assert.Contains("did not answer in time", error.Message);
        // Each attempt was cut by its own timeout: the stall is released only after the caller got its error.
        Assert.Equal(2, server.Requests.Count);
        FaultFigures.Record(output, "5. body stalls after headers", "requests / outcome / wait", $"2 / typed timeout / {elapsed.TotalMilliseconds:0} ms (RequestTimeout 0.5 s)");
    }

    [Theory]
    [InlineData("reset")]
    [InlineData("truncated")]
    public async Task A_wire_fault_on_every_attempt_is_a_typed_unavailable_error_after_the_retry_budget(string fault)
    {
        await using var server = await ScriptedHttpServer.StartAsync(async (_, context) =>
        {
            if (fault == "truncated")
            {
                context.Response.ContentLength = 500;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"access_tok""");
                await context.Response.Body.FlushAsync();
            }
            context.Abort();
        });
        await using var harness = new ClientHarness(server.Url, new Dictionary<string, string?> { ["Boosted:MaxRetries"] = "2" });

        var error = await Assert.ThrowsAsync<BoostedUnavailableException>(() => harness.Tokens.ExchangeAsync("a.b.c", "thread"));

        Assert.Equal(3, server.Requests.Count);
        Assert.Contains("could not be reached", error.Message);
        Assert.DoesNotContain(ClientHarness.ClientSecret, error.ToString());
        FaultFigures.Record(output, $"5. {fault} on every attempt", "requests / outcome", $"{server.Requests.Count} / {error.GetType().Name}");
    }

    [Fact]
    public async Task An_answer_that_is_not_HTTP_on_every_attempt_is_a_typed_unavailable_error_after_the_retry_budget()
    {
        // A raw TCP peer, since an HTTP server cannot be made to answer with something that is not HTTP: it reads each
        // request and answers with bytes that no HTTP/1.1 client can parse as a status line.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var answered = 0;
        using var stop = new CancellationTokenSource();
        var peer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);
                var request = new List<byte>();
                var buffer = new byte[4096];
                while (!System.Text.Encoding.ASCII.GetString([.. request]).Contains("\r\n\r\n"))
                    request.AddRange(buffer.AsSpan(0, await socket.ReceiveAsync(buffer, stop.Token)).ToArray());
                await socket.SendAsync("SSH-2.0-not-http\r\n\r\n"u8.ToArray(), stop.Token);
                Interlocked.Increment(ref answered);
                socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
            }
        });
        var url = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/");
        await using var harness = new ClientHarness(url, new Dictionary<string, string?> { ["Boosted:MaxRetries"] = "2" });

        var error = await Assert.ThrowsAsync<BoostedUnavailableException>(() => harness.Tokens.ExchangeAsync("a.b.c", "thread"));
        await stop.CancelAsync();
        await peer.ContinueWith(_ => { });

        Assert.Equal(3, answered);
        // Read as an invalid answer, not as a connection closed without one.
        Assert.Contains($"could not be reached at {url.GetLeftPart(UriPartial.Authority)} ({System.Net.Http.HttpRequestError.InvalidResponse})", error.Message);
        Assert.DoesNotContain(ClientHarness.ClientSecret, error.ToString());
    }

    private sealed record UserResult(int Requests, int Accepted, int DistinctJtis);

    private sealed record Result(IReadOnlyList<UserResult> PerUser, long Exchanges, long InvalidGrants);

    private async Task<Result> RunWithFirstAttemptFaultAsync(string name, WireFault fault)
    {
        var users = Enumerable.Range(0, Users).Select(i => $"{name}-{i}-{Guid.NewGuid():N}").ToArray();
        // Only token requests meet the fault (account calls pass through), and only the first one of every third user:
        // a fault on every user's first attempt is half of all attempts failing, which opens the breaker (as it should).
        // A reset fails at once while an exchange takes a round trip, so the faulted attempts finish first: with no
        // traffic before them, they could be most of the breaker's first 5 outcomes and open it, as it should for a
        // Boosted failing that much. A silo in service has served traffic in its window; so does this one.
        await Task.WhenAll(Enumerable.Range(0, Users).Select(_ => boosted.Client.GetUserTokenGrain($"warm-{Guid.NewGuid():N}").GetAccessTokenAsync()));
        var before = boosted.Emulator.GetStats();
        var faulted = new ConcurrentDictionary<string, bool>();
        var seen = 0;
        boosted.Proxy.TokenFault = request =>
        {
            if (request.Subject is not { } s || s == boosted.ClientId || faulted.ContainsKey(s))
                return WireFault.None;
            var faultThis = Interlocked.Increment(ref seen) % FaultEvery == 0;
            faulted[s] = faultThis;
            return faultThis ? fault : WireFault.None;
        };
        try
        {
            var tokens = await Task.WhenAll(users.Select(user => boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync()));
            Assert.Equal(Users, tokens.Select(t => t.Value).Distinct().Count());
        }
        finally
        {
            boosted.Proxy.TokenFault = _ => WireFault.None;
        }
        var after = boosted.Emulator.GetStats();
        var subjects = await Task.WhenAll(users.Select(async u => (await boosted.Client.GetUserTokenGrain(u).GetStatusAsync()).BoostedUserId!));
        var requests = boosted.Proxy.TokenRequests.ToLookup(r => r.Subject);
        var perUser = subjects.Select(s => new UserResult(
            requests[s].Count(),
            (int)(after.Exchanges.GetValueOrDefault(s) - before.Exchanges.GetValueOrDefault(s)),
            requests[s].Select(r => r.Jti).Distinct().Count())).ToList();
        return new Result(perUser, after.Exchanges.Values.Sum() - before.Exchanges.Values.Sum(),
            after.Failures.GetValueOrDefault("invalid_grant") - before.Failures.GetValueOrDefault("invalid_grant"));
    }
}
