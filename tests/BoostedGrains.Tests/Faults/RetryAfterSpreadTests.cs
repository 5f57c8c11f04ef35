using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using BoostedGrains.Boosted;
using Polly;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// Fault 3, releases: the calls a <c>Retry-After</c> held back leave spread over <c>Boosted__RetryAfterSpread</c>, not in
/// one burst. The gate alone in a Polly pipeline, on the real clock: the adaptive rate behind it in the product would
/// spread them too, and would hide what the gate does.
/// </summary>
public sealed class RetryAfterSpreadTests(ITestOutputHelper output)
{
    private const int Waiting = 200;

    [Fact]
    public async Task Calls_held_back_by_Retry_After_leave_with_at_most_their_share_of_the_spread_in_any_100_ms()
    {
        var options = new BoostedOptions();
        var gate = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddStrategy(_ => new RetryAfterGate(TimeProvider.System, options), new RetryAfterGateOptions())
            .Build();
        // A first round only warms the test host up (thread pool, JIT): a stall there would bunch the releases.
        await HoldAndReleaseAsync(gate, Waiting);
        var (released, left) = await HoldAndReleaseAsync(gate, Waiting);

        Assert.All(left, t => Assert.True(t >= released - TimeSpan.FromMilliseconds(20), $"a call left {(released - t).TotalMilliseconds:0} ms early"));
        var busiest = left.GroupBy(t => (long)(t.TotalMilliseconds / 100)).Max(g => g.Count());
        // The spread is 1 s: a tenth of the calls per 100 ms, plus a margin for timer resolution under load.
        var share = (double)busiest / Waiting;
        Assert.True(share <= 0.2, $"{busiest} of {Waiting} calls left in the same 100 ms");
        FaultFigures.Record(output, "3. Retry-After release", "busiest 100 ms: share of 200 held calls (spread 1 s)", share);
    }

    // One 429 asking for 1 s, then calls that arrive during the wait; returns when the wait ends and when each call left.
    private static async Task<(TimeSpan Released, IReadOnlyCollection<TimeSpan> Left)> HoldAndReleaseAsync(ResiliencePipeline<HttpResponseMessage> gate, int calls)
    {
        var clock = Stopwatch.StartNew();
        var left = new ConcurrentBag<TimeSpan>();
        using var limited = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        await gate.ExecuteAsync(_ => ValueTask.FromResult(limited));
        var released = clock.Elapsed + TimeSpan.FromSeconds(1);
        await Task.WhenAll(Enumerable.Range(0, calls).Select(_ => gate.ExecuteAsync(_ =>
        {
            left.Add(clock.Elapsed);
            return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }).AsTask()));
        return (released, left);
    }
}
