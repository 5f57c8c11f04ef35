using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using BoostedGrains.Boosted;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// Fault 3, releases: the calls a <c>Retry-After</c> held back leave paced at the silo's rate, which that 429 cut, from
/// the named time on: never in one burst, and never later than the rate requires, so the last of a few waiting calls is
/// not kept back. The adaptive rate with the silo's Retry-After gate, as in the product, on a fake clock, so that what is measured is
/// when each call is let go, not how promptly a loaded machine wakes it.
/// </summary>
public sealed class RetryAfterSpreadTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Calls_held_back_by_Retry_After_leave_paced_with_at_most_a_tenth_of_them_in_any_100_ms()
    {
        const int waiting = 50;
        var (left, interval) = await ReleaseAsync(waiting);

        Assert.All(left, t => Assert.True(t >= Hold, $"a call left at {t.TotalMilliseconds:0} ms, before the 1 s it was asked to wait"));
        // The first ones leave one interval of the cut rate apart (the rate grows again as they are answered).
        var first = left.Order().Take(4).ToList();
        Assert.All(first.Zip(first.Skip(1)), pair => Assert.True(pair.Second - pair.First >= interval - Step,
            $"two held calls left {(pair.Second - pair.First).TotalMilliseconds:0} ms apart, under the cut rate's {interval.TotalMilliseconds:0} ms"));
        var busiest = left.GroupBy(t => (long)(t.TotalMilliseconds / 100)).Max(g => g.Count());
        Assert.True(busiest <= waiting / 10, $"{busiest} of {waiting} calls left in the same 100 ms");
        FaultFigures.Record(output, "3. Retry-After release", "busiest 100 ms: share of 50 held calls", (double)busiest / waiting);
    }

    [Fact]
    public async Task The_last_of_a_few_held_calls_leaves_as_soon_as_the_rate_allows()
    {
        const int waiting = 3;
        var (left, interval) = await ReleaseAsync(waiting);

        // Three calls need two intervals after the hold, not a spread over a fixed window.
        Assert.True(left.Max() <= Hold + (waiting - 1) * interval + 2 * Step, $"the last of {waiting} held calls left at {left.Max().TotalMilliseconds:0} ms");
    }

    // A 429 with Retry-After 1 s, then calls that all start during the hold; returns when each left, from the 429, and the
    // cut rate's interval.
    private static async Task<(IReadOnlyList<TimeSpan> Left, TimeSpan Interval)> ReleaseAsync(int waiting)
    {
        var time = new FakeTimeProvider();
        var rate = new AdaptiveRate(time, ceiling: null);
        var gate = new RetryAfterGate(time, new BoostedOptions());
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddStrategy(_ => new AdaptiveRateStrategy(rate, gate, time), new AdaptiveRateStrategyOptions())
            .Build();
        using var limited = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter = new RetryConditionHeaderValue(Hold);
        await pipeline.ExecuteAsync(_ => ValueTask.FromResult(limited));
        var start = time.GetUtcNow();
        var interval = TimeSpan.FromSeconds(1 / rate.Rate);

        var left = new ConcurrentBag<TimeSpan>();
        var calls = Enumerable.Range(0, waiting).Select(_ => pipeline.ExecuteAsync(_ =>
        {
            left.Add(time.GetUtcNow() - start);
            return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }).AsTask()).ToArray();
        while (!calls.All(c => c.IsCompleted))
        {
            time.Advance(Step);
            // Let the calls whose time came run before the clock moves on.
            await Task.Delay(2);
        }
        await Task.WhenAll(calls);
        return (left.ToList(), interval);
    }
}
