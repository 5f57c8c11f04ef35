using BoostedGrains.Boosted;
using Microsoft.Extensions.Time.Testing;

namespace BoostedGrains.Tests.Boosted;

/// <summary>The AIMD pacer's rules, on a fake clock.</summary>
public sealed class AdaptiveRateTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Permits_are_spaced_one_interval_apart_from_the_first_free_instant()
    {
        var rate = new AdaptiveRate(_time, ceiling: null);

        var waits = Enumerable.Range(0, 4).Select(_ => rate.Reserve().Wait).ToArray();

        var interval = TimeSpan.FromSeconds(1 / AdaptiveRate.InitialRate);
        Assert.Equal(new[] { TimeSpan.Zero, interval, 2 * interval, 3 * interval }, waits);
    }

    [Fact]
    public void Slow_start_grows_one_request_a_second_per_good_answer_and_a_429_cuts_to_four_fifths_of_what_was_accepted()
    {
        var rate = new AdaptiveRate(_time, ceiling: null);
        for (var i = 0; i < 10; i++)
        {
            rate.Reserve();
            rate.Accepted();
        }
        Assert.Equal(AdaptiveRate.InitialRate + 10, rate.Rate, 6);

        rate.Limited(rate.Reserve().Generation);

        // 10 accepted in this second, clamped to at least half the rate (15): 0.8 × 15.
        Assert.Equal(12, rate.Rate, 6);
    }

    [Fact]
    public void Only_a_429_to_a_request_sent_after_the_last_cut_cuts_again()
    {
        var rate = new AdaptiveRate(_time, ceiling: null);
        var before = Enumerable.Range(0, 3).Select(_ => rate.Reserve().Generation).ToArray();
        rate.Limited(before[0]);
        var afterFirstCut = rate.Rate;

        rate.Limited(before[1]);
        rate.Limited(before[2]);
        Assert.Equal(afterFirstCut, rate.Rate, 6);

        rate.Limited(rate.Reserve().Generation);
        Assert.Equal(afterFirstCut * 0.8, rate.Rate, 6);
    }

    [Fact]
    public void A_cut_voids_the_permits_reserved_at_the_old_rate_and_the_next_one_is_due_at_once()
    {
        var rate = new AdaptiveRate(_time, ceiling: null);
        var reserved = Enumerable.Range(0, 10).Select(_ => rate.Reserve()).ToArray();

        rate.Limited(reserved[0].Generation);

        Assert.All(reserved, r => Assert.True(r.Voided.IsCancellationRequested));
        var first = rate.Reserve();
        Assert.Equal(TimeSpan.Zero, first.Wait);
        Assert.False(first.Voided.IsCancellationRequested);
        Assert.Equal(1 / rate.Rate, rate.Reserve().Wait.TotalSeconds, 6);
    }

    [Fact]
    public void After_slow_start_the_rate_grows_additively_and_never_past_the_ceiling_or_twice_what_is_used()
    {
        var rate = new AdaptiveRate(_time, ceiling: 30);
        rate.Limited(rate.Reserve().Generation);
        var cut = rate.Rate;
        // One second of answers at the current rate grows it by about one step (a tenth of the cut rate, at least 1).
        for (var i = 0; i < (int)cut; i++)
            rate.Accepted();
        Assert.InRange(rate.Rate, cut + 0.9, cut + 1.1);

        // Idle for a while: one answer a second does not build the rate up past twice what is used plus the start.
        for (var i = 0; i < 200; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            rate.Accepted();
        }
        Assert.InRange(rate.Rate, 1, 2 * 1 + AdaptiveRate.InitialRate + 1.1);

        var busy = new AdaptiveRate(_time, ceiling: 30);
        for (var i = 0; i < 1000; i++)
            busy.Accepted();
        Assert.Equal(30, busy.Rate, 6);
    }

    [Fact]
    public void Each_second_of_good_answers_without_a_429_doubles_the_additive_step()
    {
        var rate = new AdaptiveRate(_time, ceiling: null);
        // Nothing accepted yet: cut to 0.8 × half the starting rate (8), with the minimum step of 1 request a second.
        rate.Limited(rate.Reserve().Generation);
        var growth = new List<double>();
        for (var second = 0; second < 5; second++)
        {
            var before = rate.Rate;
            for (var i = 0; i < (int)before; i++)
                rate.Accepted();
            growth.Add(rate.Rate - before);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // The second of the cut and the next grow by one step; each further second doubles it (a second of answers at
        // a growing rate, counted in whole answers, adds a little under one step).
        Assert.All(growth.Take(2), g => Assert.InRange(g, 0.8, 1.0));
        for (var second = 2; second < growth.Count; second++)
            Assert.InRange(growth[second] / growth[second - 1], 1.6, 2.1);

        // A 429 starts over from a tenth of the cut rate.
        rate.Limited(rate.Reserve().Generation);
        var cut = rate.Rate;
        for (var i = 0; i < (int)cut; i++)
            rate.Accepted();
        Assert.InRange(rate.Rate - cut, 0.8 * cut / 10, cut / 10);
    }

    [Fact]
    public void A_rate_grown_by_a_tenth_since_the_waiting_permits_were_spaced_spaces_them_again()
    {
        var rate = new AdaptiveRate(_time, ceiling: null);
        rate.Limited(rate.Reserve().Generation);
        // A queue reserved at the cut rate (8/s): the last of 20 permits is due 2.4 s from now.
        var queued = Enumerable.Range(0, 20).Select(_ => rate.Reserve()).ToArray();
        var slow = queued[^1].Wait;

        // Growth below a tenth keeps the schedule; the answer that takes it past a tenth voids it.
        rate.Accepted();
        Assert.All(queued, r => Assert.False(r.Voided.IsCancellationRequested));
        while (!queued[0].Voided.IsCancellationRequested)
            rate.Accepted();
        Assert.All(queued, r => Assert.True(r.Voided.IsCancellationRequested));

        // Reserved again, the same 20 permits are spaced at the grown rate, from one interval on (one was due just now).
        var respaced = Enumerable.Range(0, 20).Select(_ => rate.Reserve()).ToArray();
        Assert.All(respaced, r => Assert.False(r.Voided.IsCancellationRequested));
        Assert.Equal(20 / rate.Rate, respaced[^1].Wait.TotalSeconds, 6);
        Assert.True(respaced[^1].Wait < slow);
    }

    [Fact]
    public void A_permit_reserved_while_a_Retry_After_holds_is_due_when_the_hold_ends()
    {
        var rate = new AdaptiveRate(_time, ceiling: null);
        var hold = TimeSpan.FromSeconds(1);

        var first = rate.Reserve(notBefore: hold);
        var second = rate.Reserve(notBefore: hold);

        Assert.Equal(hold, first.Wait);
        Assert.Equal(hold.TotalSeconds + 1 / rate.Rate, second.Wait.TotalSeconds, 6);
    }
}
