using BoostedGrains.Keys;
using BoostedGrains.Tokens;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// Fault 3, a backlog: exchanges queue for a slot longer than an assertion lives. The wait is made by moving the shared
/// wall clock of Boosted and the silos past the assertion's lifetime while calls are queued (minutes of real queueing
/// would not fit the suite); an assertion signed before its call queued would then arrive expired.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class QueuedAssertionTests(QueuedAssertionTests.Fixture boosted, ITestOutputHelper output) : IClassFixture<QueuedAssertionTests.Fixture>
{
    private const int Users = 8;

    public sealed class Fixture : ProxiedCluster
    {
        public ShiftedClock Clock { get; } = new();

        protected override TimeProvider Time => Clock;

        // One silo with one slot: every call of this small storm queues behind the one in flight (the backlog is the
        // point), and while an answer is held no other assertion can be signed, so the clock jump below cannot land
        // between another call's signing and its arrival (with two silos it could, and that call failed the test).
        protected override int SiloCount => 1;

        protected override IDictionary<string, string?> FaultSettings => new Dictionary<string, string?>
        {
            ["Boosted:MaxConcurrentExchanges"] = "1",
        };
    }

    /// <summary>Real time, plus an offset the test moves forward.</summary>
    public sealed class ShiftedClock : TimeProvider
    {
        private long _offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
    }

    [Fact]
    public async Task Calls_queued_past_an_assertions_lifetime_send_fresh_assertions_and_get_no_invalid_grant()
    {
        // Management tokens first, so the storm's queue is made of user exchanges only.
        await boosted.Client.GetUserTokenGrain($"warm-{Guid.NewGuid():N}").GetAccessTokenAsync();
        var start = boosted.Proxy.Now;
        var jumped = 0;
        // A slow Boosted, seen from the silos: each answer takes 400 ms to come back, after Boosted checked the assertion.
        // The clock jumps once, while an answer is held and no other request is on its way to Boosted: past the
        // lifetime and the emulator's 60 s leeway, so whatever was signed before that instant and sent later is expired.
        boosted.Proxy.HoldTokenAnswer = async () =>
        {
            if (boosted.Proxy.TokenRequestsInTransit == 0 && Interlocked.Exchange(ref jumped, 1) == 0)
                boosted.Clock.Advance(AssertionSigner.Lifetime + TimeSpan.FromSeconds(90));
            await Task.Delay(400);
        };
        AccessToken[] tokens;
        try
        {
            tokens = await Task.WhenAll(Enumerable.Range(0, Users)
                .Select(i => boosted.Client.GetUserTokenGrain($"queued-{i}-{Guid.NewGuid():N}").GetAccessTokenAsync()));
        }
        finally
        {
            boosted.Proxy.HoldTokenAnswer = null;
        }

        var requests = boosted.Proxy.TokenRequests.Where(r => r.ReceivedAt > start).ToList();
        Assert.Equal(1, jumped);
        Assert.All(tokens, t => Assert.False(string.IsNullOrEmpty(t.Value)));
        Assert.False(boosted.Emulator.GetStats().Failures.ContainsKey("invalid_grant"), "Boosted answered invalid_grant");
        Assert.Equal(Users, requests.Count(r => r.Status == 200));
        FaultFigures.Record(output, "3. queue longer than an assertion's lifetime", "exchanges queued / served / invalid_grant",
            $"{Users} / {tokens.Length} / 0");
    }
}
