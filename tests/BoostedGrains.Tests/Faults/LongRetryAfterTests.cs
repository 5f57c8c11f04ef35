using BoostedGrains.Emulator;
using BoostedGrains.Errors;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// Fault 3, long waits: a <c>Retry-After</c> longer than a call may last fails the call at once, and then holds back
/// the silo that received it. Its own cluster, because that silo stays closed to Boosted for the named 100 s.
/// (Moved here from BoostedFailureTests, whose other tests would otherwise meet the closed silo.)
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class LongRetryAfterTests(LongRetryAfterTests.Fixture boosted, ITestOutputHelper output) : IClassFixture<LongRetryAfterTests.Fixture>
{
    public sealed class Fixture : ProxiedCluster
    {
        protected override IDictionary<string, string?> FaultSettings => new Dictionary<string, string?>();
    }

    [Fact]
    public async Task A_429_whose_Retry_After_outlasts_the_call_fails_at_once_typed_and_holds_back_the_silo_while_tokens_are_still_served()
    {
        var holder = boosted.Client.GetUserTokenGrain($"holder-{Guid.NewGuid():N}");
        var held = await holder.GetAccessTokenAsync();
        // Bucket of one token that refills in 100 s: the next request is answered 429 with Retry-After about 100.
        boosted.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = 0.01 });
        await boosted.Client.GetUserTokenGrain($"first-{Guid.NewGuid():N}").GetAccessTokenAsync();
        var before = boosted.Emulator.GetStats();

        var error = await Assert.ThrowsAsync<BoostedUnavailableException>(
            () => boosted.Client.GetUserTokenGrain($"limited-{Guid.NewGuid():N}").GetAccessTokenAsync());

        Assert.Equal(1, boosted.Emulator.GetStats().TokenRequests - before.TokenRequests);
        Assert.Equal(429, error.StatusCode);
        Assert.InRange(error.RetryAfter!.Value.TotalSeconds, 90, 100);

        // Calls on the silo that received the 429 now fail at once without reaching Boosted; the other silo asks
        // Boosted itself at most once and is held back the same way. So: at most one more request, whatever the count.
        // One after another: concurrent first calls on the other silo could all leave before its first 429 returns.
        var more = new List<BoostedUnavailableException>();
        for (var i = 0; i < 10; i++)
            more.Add(await Assert.ThrowsAsync<BoostedUnavailableException>(
                () => boosted.Client.GetUserTokenGrain($"later-{Guid.NewGuid():N}").GetAccessTokenAsync()));
        Assert.All(more, e => Assert.InRange(e.RetryAfter!.Value.TotalSeconds, 1, 100));
        var sent = boosted.Emulator.GetStats().TokenRequests - before.TokenRequests - 1;
        Assert.InRange(sent, 0, 1);
        Assert.Equal(held.Value, (await holder.GetAccessTokenAsync()).Value);
        boosted.Emulator.SetFaults(new EmulatorFaults());

        FaultFigures.Record(output, "3. 429 Retry-After ≈ 100 s", "call that got it: requests / outcome", $"1 / typed 429 at once, RetryAfter {error.RetryAfter.Value.TotalSeconds:0} s");
        FaultFigures.Record(output, "3. 429 Retry-After ≈ 100 s", "10 later calls: requests sent to Boosted", sent);
    }
}
