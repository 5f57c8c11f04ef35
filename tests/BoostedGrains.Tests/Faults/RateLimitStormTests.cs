using BoostedGrains.Emulator;
using BoostedGrains.Tokens;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// Fault 3, a storm: new users all at once against a Boosted that limits token requests to 25 a second (429 with
/// <c>Retry-After</c>), a limit the silos are not told. Product defaults throughout: the silos find the rate themselves.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class RateLimitStormTests(RateLimitStormTests.Fixture boosted, ITestOutputHelper output) : IClassFixture<RateLimitStormTests.Fixture>
{
    private const double Limit = 25;
    // The last callers wait in the silos' slot queues for the whole storm, and a wait past Boosted__MaxQueueWait (20 s by
    // default) fails them fast, as it should. 300 users need 11 s at 25/s: a loaded 2-core CI machine stretches that by
    // well over a third without reaching the bound (400 users, 15 s ideal, can stretch past it).
    private const int Users = 300;
    // Enough that both silos have served one (placement is random): each has fetched its management token.
    private const int WarmUsers = 10;

    public sealed class Fixture : ProxiedCluster
    {
        protected override IDictionary<string, string?> FaultSettings => new Dictionary<string, string?>();
    }

    [Fact]
    public async Task A_cold_storm_against_an_unknown_limit_serves_every_caller_with_at_most_one_429_per_five_successes()
    {
        // A storm of new users meets a cluster in service: it has its management token and the organization, and its code
        // is compiled. Without this, the first 0.3-0.6 s of a just-started test cluster go to those while Boosted's
        // bucket is full; that lead-in is measured on its own (docs/reliability.md).
        await Task.WhenAll(Enumerable.Range(0, WarmUsers).Select(_ => boosted.Client.GetUserTokenGrain($"warm-{Guid.NewGuid():N}").GetAccessTokenAsync()));
        boosted.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = Limit });
        var start = boosted.Proxy.Now;
        var served = await Task.WhenAll(Enumerable.Range(0, Users).Select(async i =>
            (await boosted.Client.GetUserTokenGrain($"storm-{i}-{Guid.NewGuid():N}").GetAccessTokenAsync()).Value.Length > 0));
        var end = boosted.Proxy.Now;
        boosted.Emulator.SetFaults(new EmulatorFaults());

        var requests = boosted.Proxy.TokenRequests.Where(r => r.ReceivedAt >= start && r.ReceivedAt <= end).ToList();
        var accepted = requests.Count(r => r.Status == 200);
        var limited = requests.Count(r => r.Status == 429);
        Assert.All(served, Assert.True);
        Assert.Equal(requests.Count, accepted + limited);
        var perSuccess = (double)limited / accepted;
        Assert.True(perSuccess <= 0.2, $"{limited} answers 429 for {accepted} successes");

        // Boosted's capacity over the storm: its rate for the duration, plus the one second's worth its bucket holds at the start.
        var duration = requests.Max(r => r.AnsweredAt) - requests.Min(r => r.ReceivedAt);
        var utilization = accepted / (Limit * (duration.TotalSeconds + 1));
        var fault = $"3. cold storm, {Users} new users, limit 25/s unknown to the silos, defaults";
        FaultFigures.Record(output, fault, "token requests / accepted / 429", $"{requests.Count} / {accepted} / {limited}");
        FaultFigures.Record(output, fault, "429 per success", perSuccess);
        FaultFigures.Record(output, fault, "storm duration", duration);
        FaultFigures.Record(output, fault, "utilization of Boosted's rate", utilization);
    }
}
