using System.Text.Json;
using BoostedGrains.Errors;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Cluster;

/// <summary>
/// docs/design.md rule 8 where callers see it: typed errors, statuses and token objects never carry a token or the client
/// secret. (Every log line of the run is scanned by <c>Security/SuiteLogScanTests</c>, which runs last.)
/// </summary>
public sealed class SecretHygieneTests(SecretHygieneTests.Fixture boosted) : IClassFixture<SecretHygieneTests.Fixture>
{
    public sealed class Fixture : BoostedCluster
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            // "analytics" is allowed here so that Boosted itself refuses it (invalid_scope): the test is about that refusal.
            ["Boosted:AllowedUserScopes:0"] = "thread",
            ["Boosted:AllowedUserScopes:1"] = "analytics",
        };
    }

    [Fact]
    public async Task Typed_errors_and_status_never_carry_a_token_or_the_client_secret()
    {
        var grain = boosted.Client.GetUserTokenGrain($"status-{Guid.NewGuid():N}");
        var token = await grain.GetAccessTokenAsync();
        var error = await Assert.ThrowsAsync<BoostedAuthException>(() => grain.GetAccessTokenAsync("analytics"));
        var status = JsonSerializer.Serialize(await grain.GetStatusAsync());

        foreach (var text in new[] { error.ToString(), status, token.ToString() })
        {
            Assert.DoesNotContain(token.Value, text);
            Assert.DoesNotContain(boosted.ClientSecret, text);
        }
    }
}
