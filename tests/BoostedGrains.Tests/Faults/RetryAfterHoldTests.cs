using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using BoostedGrains.Boosted;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// Fault 3, the hold: once a 429 names a <c>Retry-After</c>, no attempt of the silo is sent before it, not even one that
/// already held a rate permit. The adaptive rate with the silo's Retry-After gate, as in the product, on a fake clock, so that what is
/// measured is when each attempt is let go, not how promptly a loaded machine wakes it.
/// </summary>
public sealed class RetryAfterHoldTests
{
    private const int Calls = 40;
    private const int LimitedSend = 3;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task Attempts_holding_permits_when_a_429_arrives_wait_for_its_Retry_After_and_a_permit_at_the_cut_rate()
    {
        var time = new FakeTimeProvider();
        var options = new BoostedOptions();
        var rate = new AdaptiveRate(time, ceiling: null);
        var gate = new RetryAfterGate(time, options);
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddStrategy(_ => new AdaptiveRateStrategy(rate, gate, time), new AdaptiveRateStrategyOptions())
            .Build();
        var start = time.GetUtcNow();
        var sent = new ConcurrentQueue<TimeSpan>();
        var limitedAt = TimeSpan.Zero;
        var count = 0;

        // All calls reserve a permit at once (20/s: up to 2 s ahead); the third one sent is answered 429, Retry-After 1 s.
        var calls = Enumerable.Range(0, Calls).Select(_ => pipeline.ExecuteAsync(_ =>
        {
            var at = time.GetUtcNow() - start;
            sent.Enqueue(at);
            if (Interlocked.Increment(ref count) != LimitedSend)
                return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
            limitedAt = at;
            var limited = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            limited.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
            return ValueTask.FromResult(limited);
        }).AsTask()).ToArray();
        for (var at = TimeSpan.Zero; at < TimeSpan.FromSeconds(30) && !calls.All(c => c.IsCompleted); at += Step)
        {
            time.Advance(Step);
            // Let the attempts whose time came run before the clock moves on.
            await Task.Delay(2);
        }
        var answers = await Task.WhenAll(calls);

        Assert.Equal(Calls, sent.Count);
        Assert.Equal(Calls - 1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var early = sent.Where(t => t > limitedAt && t < limitedAt + TimeSpan.FromSeconds(1)).ToList();
        Assert.True(early.Count == 0, $"{early.Count} attempts left during the 1 s hold, the first at {early.FirstOrDefault().TotalMilliseconds:0} ms");
        // After the hold the attempts leave at the cut rate, not in a burst of the old schedule's permits.
        var after = sent.Where(t => t > limitedAt).Order().ToList();
        var interval = TimeSpan.FromSeconds(1 / rate.Rate);
        Assert.All(after.Zip(after.Skip(1)), pair => Assert.True(pair.Second - pair.First >= interval - Step,
            $"two attempts left {(pair.Second - pair.First).TotalMilliseconds:0} ms apart, under the cut rate's {interval.TotalMilliseconds:0} ms"));
    }
}
