using BoostedGrains.Emulator;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// A storm of new users against each limiter shape the emulator offers, on product defaults: every caller is served,
/// each user costs one exchange, and no request leaves while a <c>Retry-After</c> holds the silo. Behaviour only; how
/// much of each limit is used is benchmark row 9's measurement.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class RateLimitShapeStormTests(RateLimitShapeStormTests.Fixture boosted) : IClassFixture<RateLimitShapeStormTests.Fixture>
{
    private const int Users = 60;
    // The proxy notes a 429 once it has passed it on, and the silo's hold starts when it reads it: a request the silo sent
    // just before can reach the proxy just after, and the hold's end, read on the proxy's clock, is as uncertain.
    private static readonly TimeSpan Edge = TimeSpan.FromMilliseconds(100);

    // One silo: a Retry-After holds the silo that received it, and the proxy cannot tell two silos' requests apart.
    public sealed class Fixture : ProxiedCluster
    {
        protected override int SiloCount => 1;

        protected override IDictionary<string, string?> FaultSettings => new Dictionary<string, string?>();
    }

    public static TheoryData<string> Shapes => ["fixed window", "token bucket with burst", "sliding window", "concurrency cap", "no Retry-After", "limit halved then doubled"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_storm_of_new_users_is_served_with_one_exchange_each_and_nothing_sent_during_a_hold(string shape)
    {
        await boosted.Client.GetUserTokenGrain($"warm-{Guid.NewGuid():N}").GetAccessTokenAsync();
        var fixedWindow = new EmulatorFaults { RateLimitPerSecond = 25, RateLimitShape = EmulatorRateLimitShape.FixedWindow };
        boosted.Emulator.SetFaults(shape switch
        {
            "fixed window" or "limit halved then doubled" => fixedWindow,
            "token bucket with burst" => new EmulatorFaults { RateLimitPerSecond = 25, RateLimitBurst = 50 },
            "sliding window" => new EmulatorFaults { RateLimitPerSecond = 25, RateLimitShape = EmulatorRateLimitShape.SlidingWindow },
            "concurrency cap" => new EmulatorFaults { MaxConcurrentTokenRequests = 5, LatencyMs = 200 },
            "no Retry-After" => new EmulatorFaults { RateLimitPerSecond = 25, RateLimitShape = EmulatorRateLimitShape.FixedWindow, SendRetryAfter = false },
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        });
        var start = boosted.Proxy.Now;
        var served = 0;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Users).Select(async i =>
            {
                var token = await boosted.Client.GetUserTokenGrain($"shape-{i}-{Guid.NewGuid():N}").GetAccessTokenAsync();
                Assert.NotEmpty(token.Value);
                // The limit halves a third of the way through the storm and doubles again at two thirds.
                var count = Interlocked.Increment(ref served);
                if (shape == "limit halved then doubled" && count == Users / 3)
                    boosted.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = 12, RateLimitShape = EmulatorRateLimitShape.FixedWindow });
                if (shape == "limit halved then doubled" && count == 2 * Users / 3)
                    boosted.Emulator.SetFaults(fixedWindow);
            }));
        }
        finally
        {
            boosted.Emulator.SetFaults(new EmulatorFaults());
        }

        Assert.Equal(Users, served);
        var requests = boosted.Proxy.TokenRequests.Where(r => r.ReceivedAt >= start && r.Subject != boosted.ClientId).ToList();
        var accepted = requests.Where(r => r.Status == 200).ToList();
        Assert.Equal(Users, accepted.Count);
        Assert.Equal(Users, accepted.Select(r => r.Subject).Distinct().Count());
        Assert.Equal(requests.Count, accepted.Count + requests.Count(r => r.Status == 429));
        foreach (var limited in requests.Where(r => r.RetryAfterSeconds is > 0))
        {
            var holdEnds = limited.AnsweredAt + TimeSpan.FromSeconds(limited.RetryAfterSeconds!.Value);
            var during = requests.Where(r => r.ReceivedAt > limited.AnsweredAt + Edge && r.ReceivedAt < holdEnds - Edge).ToList();
            Assert.True(during.Count == 0,
                $"{during.Count} token requests reached Boosted during the {limited.RetryAfterSeconds} s hold named at {limited.AnsweredAt.TotalSeconds:0.000} s, the first at {during.FirstOrDefault()?.ReceivedAt.TotalSeconds:0.000} s");
        }
    }
}
