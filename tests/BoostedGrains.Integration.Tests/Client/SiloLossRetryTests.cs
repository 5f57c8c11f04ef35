using System.Diagnostics;
using BoostedGrains.Client;
using Orleans.Runtime;

namespace BoostedGrains.Integration.Tests.Client;

/// <summary>The one retry of a call whose silo was lost: when it goes, and what it leaves alone.</summary>
public sealed class SiloLossRetryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_call_failing_with_a_silo_loss_is_sent_once_more_after_the_wait()
    {
        var retry = SiloLossRetry.WithoutMembership(Wait);
        var calls = 0;
        var clock = Stopwatch.StartNew();
        var answer = await retry.ExecuteAsync(() => ++calls == 1 ? Task.FromException<int>(new SiloUnavailableException()) : Task.FromResult(42));
        Assert.Equal(42, answer);
        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= Wait - TimeSpan.FromMilliseconds(20), $"retried after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_call_still_unanswered_after_the_wait_is_sent_once_more_and_the_first_answer_wins()
    {
        var retry = SiloLossRetry.WithoutMembership(Wait);
        var calls = 0;
        var lost = new TaskCompletionSource<int>();
        var answer = await retry.ExecuteAsync(() => ++calls == 1 ? lost.Task : Task.FromResult(7)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, answer);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_second_silo_loss_reaches_the_caller()
    {
        var retry = SiloLossRetry.WithoutMembership(Wait);
        var calls = 0;
        await Assert.ThrowsAsync<SiloUnavailableException>(() => retry.ExecuteAsync(() =>
        {
            calls++;
            return Task.FromException<int>(new SiloUnavailableException());
        }));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Other_failures_reach_the_caller_at_once_without_a_retry()
    {
        var retry = SiloLossRetry.WithoutMembership(TimeSpan.FromSeconds(30));
        var calls = 0;
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<OrleansException>(() => retry.ExecuteAsync(() =>
        {
            calls++;
            return Task.FromException<int>(new OrleansException("storage unavailable"));
        }));
        Assert.Equal(1, calls);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"failed after {clock.ElapsedMilliseconds} ms");
    }
}
