using System.Diagnostics;
using BoostedGrains.Emulator;
using BoostedGrains.Errors;
using BoostedGrains.Tokens;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>Fault 1: Boosted answers 20 % of token requests with 503.</summary>
[Collection(FaultsCollection.Name)]
public sealed class TransientErrorTests(TransientErrorTests.Fixture boosted, ITestOutputHelper output) : IClassFixture<TransientErrorTests.Fixture>
{
    private const int MaxRetries = 3;
    private const int Users = 120;
    private const int WarmUsers = 20;
    private const double ErrorRate = 0.2;

    public sealed class Fixture : ProxiedCluster
    {
        // Product defaults for the breaker, retries and timeouts; only the backoff base is short so the test is quick.
        protected override IDictionary<string, string?> FaultSettings => new Dictionary<string, string?>
        {
            ["Boosted:MaxRetries"] = MaxRetries.ToString(),
        };
    }

    [Fact]
    public async Task Every_user_is_served_exactly_once_and_no_call_exceeds_the_retry_budget()
    {
        // Live traffic before the fault, as in production: it also gives each silo's breaker a healthy window.
        await Task.WhenAll(Enumerable.Range(0, WarmUsers).Select(i =>
            boosted.Client.GetUserTokenGrain($"healthy-{i}-{Guid.NewGuid():N}").GetAccessTokenAsync()));
        var before = boosted.Emulator.GetStats();
        boosted.Emulator.SetFaults(new EmulatorFaults { ErrorRate = ErrorRate });

        var users = Enumerable.Range(0, Users).Select(i => $"flaky-{i}-{Guid.NewGuid():N}").ToArray();
        var callsPerUser = new int[Users];
        var clock = Stopwatch.StartNew();
        var tokens = await Task.WhenAll(users.Select(async (user, i) =>
        {
            // An app server retries a typed 'unavailable' once, as the error tells it to.
            for (var call = 1; ; call++)
            {
                callsPerUser[i] = call;
                try
                {
                    return await boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync();
                }
                catch (BoostedUnavailableException) when (call < 2)
                {
                }
            }
        }));
        var elapsed = clock.Elapsed;
        boosted.Emulator.SetFaults(new EmulatorFaults());
        var after = boosted.Emulator.GetStats();

        Assert.Equal(Users, tokens.Select(t => t.Value).Distinct().Count());
        var subjects = await Task.WhenAll(users.Select(async user => (await boosted.Client.GetUserTokenGrain(user).GetStatusAsync()).BoostedUserId!));
        var requests = boosted.Proxy.TokenRequests.ToLookup(r => r.Subject);
        var attempts = subjects.Select(s => requests[s].Count()).ToArray();
        for (var i = 0; i < Users; i++)
        {
            Assert.Equal(1, after.Exchanges.GetValueOrDefault(subjects[i]) - before.Exchanges.GetValueOrDefault(subjects[i]));
            Assert.Equal(1, requests[subjects[i]].Count(r => r.Status == 200));
            Assert.All(requests[subjects[i]].Where(r => r.Status != 200), r => Assert.Equal(503, r.Status));
            Assert.InRange(attempts[i], 1, (1 + MaxRetries) * callsPerUser[i]);
        }
        var userRequests = attempts.Sum();
        var failed = userRequests - Users;
        Assert.Equal(failed, after.Failures.GetValueOrDefault("503") - before.Failures.GetValueOrDefault("503"));
        Assert.Equal(userRequests, after.TokenRequests - before.TokenRequests);

        const string fault = "1. 20 % 503";
        FaultFigures.Record(output, fault, "users served / users", $"{Users} / {Users}");
        FaultFigures.Record(output, fault, "token requests (users' attempts)", userRequests);
        FaultFigures.Record(output, fault, "answered 503", $"{failed} ({100.0 * failed / userRequests:0.0} %)");
        FaultFigures.Record(output, fault, "max attempts for one user", attempts.Max());
        FaultFigures.Record(output, fault, "users needing a second call (4 attempts failed)", callsPerUser.Count(c => c > 1));
        FaultFigures.Record(output, fault, "exchanges per user", "exactly 1");
        FaultFigures.Record(output, fault, "wall time for all users", elapsed);
    }
}
