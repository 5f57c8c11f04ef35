using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using BoostedGrains.Boosted;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// Fault 3, releases: the calls a <c>Retry-After</c> held back leave spread over <c>Boosted__RetryAfterSpread</c>, not in
/// one burst. The gate alone in a Polly pipeline (the adaptive rate behind it in the product would spread them too, and
/// hide what the gate does), on a fake clock so that what is measured is when the gate lets each call go, not how
/// promptly a loaded machine wakes it.
/// </summary>
public sealed class RetryAfterSpreadTests(ITestOutputHelper output)
{
    private const int Waiting = 200;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task Calls_held_back_by_Retry_After_leave_with_at_most_their_share_of_the_spread_in_any_100_ms()
    {
        var time = new FakeTimeProvider();
        var options = new BoostedOptions();
        var gate = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddStrategy(_ => new RetryAfterGate(time, options), new RetryAfterGateOptions())
            .Build();
        using var limited = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        await gate.ExecuteAsync(_ => ValueTask.FromResult(limited));
        var start = time.GetUtcNow();

        var left = new ConcurrentBag<TimeSpan>();
        var calls = Enumerable.Range(0, Waiting).Select(_ => gate.ExecuteAsync(_ =>
        {
            left.Add(time.GetUtcNow() - start);
            return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }).AsTask()).ToArray();
        var end = TimeSpan.FromSeconds(1) + options.RetryAfterSpread + Step;
        for (var at = TimeSpan.Zero; at < end; at += Step)
        {
            time.Advance(Step);
            // Let the calls whose time came run before the clock moves on.
            await Task.Delay(2);
        }
        await Task.WhenAll(calls);

        Assert.All(left, t => Assert.True(t >= TimeSpan.FromSeconds(1), $"a call left at {t.TotalMilliseconds:0} ms, before the 1 s it was asked to wait"));
        var busiest = left.GroupBy(t => (long)(t.TotalMilliseconds / 100)).Max(g => g.Count());
        // Spread over 1 s: a tenth of the calls per 100 ms, plus one clock step's worth of rounding.
        var share = (double)busiest / Waiting;
        Assert.True(share <= 0.12, $"{busiest} of {Waiting} calls left in the same 100 ms");
        FaultFigures.Record(output, "3. Retry-After release", "busiest 100 ms: share of 200 held calls (spread 1 s)", share);
    }
}
