using System.Net;
using BoostedGrains.Emulator.Tests.Infrastructure;
using static BoostedGrains.Emulator.Tests.Infrastructure.EmulatorHarness;

namespace BoostedGrains.Emulator.Tests.Faults;

/// <summary>The limiter shapes the emulator offers, each told apart by what it accepts on a fake clock.</summary>
public sealed class RateLimitShapeTests
{
    [Fact]
    public async Task A_fixed_window_counts_per_whole_wall_clock_second_and_opens_again_at_the_next_one()
    {
        await using var h = await EmulatorHarness.StartAsync();
        // 0.9 s into a wall-clock second: the window ends 0.1 s from now.
        h.Time!.Advance(TimeSpan.FromMilliseconds(1900 - h.Now.ToUnixTimeMilliseconds() % 1000));
        h.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = 3, RateLimitShape = EmulatorRateLimitShape.FixedWindow });

        Assert.Equal(new[] { 200, 200, 200, 429 }, await StatusesAsync(h, 4));
        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        // A token bucket would have refilled 0.3 of a token: the new window admits three again.
        Assert.Equal(new[] { 200, 200, 200, 429 }, await StatusesAsync(h, 4));
    }

    [Fact]
    public async Task A_sliding_window_refuses_until_a_second_has_passed_since_the_oldest_accepted_request()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = 2, RateLimitShape = EmulatorRateLimitShape.SlidingWindow });

        Assert.Equal(new[] { 200 }, await StatusesAsync(h, 1));
        h.Time!.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(new[] { 200, 429 }, await StatusesAsync(h, 2));
        h.Time.Advance(TimeSpan.FromMilliseconds(399));
        Assert.Equal(new[] { 429 }, await StatusesAsync(h, 1));
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(new[] { 200, 429 }, await StatusesAsync(h, 2));
    }

    [Fact]
    public async Task A_token_bucket_admits_its_burst_at_once_and_then_the_rate()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = 1, RateLimitBurst = 4 });

        Assert.Equal(new[] { 200, 200, 200, 200, 429 }, await StatusesAsync(h, 5));
        h.Time!.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new[] { 200, 429 }, await StatusesAsync(h, 2));
    }

    [Fact]
    public async Task A_limit_changed_mid_storm_keeps_what_the_window_counted()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.Time!.Advance(TimeSpan.FromMilliseconds(1000 - h.Now.ToUnixTimeMilliseconds() % 1000));
        h.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = 4, RateLimitShape = EmulatorRateLimitShape.FixedWindow });
        Assert.Equal(new[] { 200, 200, 200 }, await StatusesAsync(h, 3));

        h.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = 2, RateLimitShape = EmulatorRateLimitShape.FixedWindow });

        Assert.Equal(new[] { 429 }, await StatusesAsync(h, 1));
    }

    [Fact]
    public async Task A_limiter_without_Retry_After_answers_429_without_the_header()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = 1, SendRetryAfter = false });

        using var ok = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        using var limited = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.TooManyRequests), (ok.StatusCode, limited.StatusCode));
        Assert.False(limited.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task A_concurrency_cap_refuses_the_requests_above_it_that_arrive_while_the_others_are_answered()
    {
        await using var h = await EmulatorHarness.StartAsync(fakeTime: false);
        using var warm = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        // Answers held 2 s: the six requests are all in flight at once.
        h.Emulator.SetFaults(new EmulatorFaults { MaxConcurrentTokenRequests = 2, LatencyMs = 2000 });

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => h.ExchangeAsync(h.NewAssertion(ClientA).Sign())));

        Assert.Equal((2, 4), (responses.Count(r => r.StatusCode == HttpStatusCode.OK), responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests)));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.Equal("1", r.Headers.GetValues("Retry-After").Single()));
        h.Emulator.SetFaults(new EmulatorFaults { MaxConcurrentTokenRequests = 2 });
        Assert.Equal(new[] { 200, 200 }, await StatusesAsync(h, 2));
    }

    private static async Task<int[]> StatusesAsync(EmulatorHarness h, int count)
    {
        var statuses = new int[count];
        for (var i = 0; i < count; i++)
        {
            using var response = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
            statuses[i] = (int)response.StatusCode;
        }
        return statuses;
    }
}
