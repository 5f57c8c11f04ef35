using BoostedGrains.Emulator;
using BoostedGrains.Errors;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Tests.Faults;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Security;

[CollectionDefinition(ScanLastTestFramework.LastCollection)]
public sealed class SuiteLogScanCollection;

/// <summary>
/// docs/design.md rule 8 over the whole run: this class starts after every other test class has finished (see
/// <see cref="ScanLastTestFramework"/>), adds one more flow at Trace level that touches every kind of secret, and then
/// scans every log line that any cluster, silo host or emulator of the suite wrote.
/// </summary>
[Collection(ScanLastTestFramework.LastCollection)]
public sealed class SuiteLogScanTests(SuiteLogScanTests.Fixture boosted, ITestOutputHelper output) : IClassFixture<SuiteLogScanTests.Fixture>
{
    public sealed class Fixture : ProxiedCluster
    {
        protected override LogLevel LogLevel => LogLevel.Trace;

        protected override IDictionary<string, string?> FaultSettings => new Dictionary<string, string?>
        {
            // One retry is enough to put a retried exchange's lines in the log the scan reads.
            ["Boosted:MaxRetries"] = "1",
            // "analytics" is allowed here so that Boosted itself refuses it (invalid_scope): the test is about that refusal.
            ["Boosted:AllowedUserScopes:0"] = "thread",
            ["Boosted:AllowedUserScopes:1"] = "analytics",
        };
    }

    [Fact]
    public async Task No_log_line_of_the_suite_carries_a_token_an_assertion_a_client_secret_an_API_key_or_a_private_key()
    {
        var grain = boosted.Client.GetUserTokenGrain($"scan-{Guid.NewGuid():N}");
        var first = await grain.GetAccessTokenAsync();
        await grain.ReportRejectedTokenAsync(first.Sha256);
        await grain.GetAccessTokenAsync();
        await Assert.ThrowsAsync<BoostedAuthException>(() => grain.GetAccessTokenAsync("analytics"));
        boosted.Emulator.SetFaults(new EmulatorFaults { Outage = true });
        await Assert.ThrowsAsync<BoostedUnavailableException>(() => boosted.Client.GetUserTokenGrain($"down-{Guid.NewGuid():N}").GetAccessTokenAsync());
        boosted.Emulator.SetFaults(new EmulatorFaults());
        var assertion = await boosted.Cluster.Silos[0].ServiceProvider.GetRequiredService<IAssertionSigner>().CreateAssertionAsync("probe");
        LogCapture.Suite.AddSecret(assertion);
        LogCapture.Suite.AddSecret(assertion.Split('.')[2]);
        LogCapture.Suite.AddSecret(GatewayOptions.DevelopmentApiKey);

        var lines = LogCapture.Suite.Lines.Count;
        var leaks = LogCapture.Suite.FindLeaks();

        Assert.True(lines > 100, $"only {lines} lines captured: the scan would prove nothing");
        Assert.True(leaks.Count == 0, $"{leaks.Count} leaking lines, first: {leaks.FirstOrDefault()}");
        FaultFigures.Record(output, "security", "log lines scanned (whole run) / secrets looked for / leaks", $"{lines} / {LogCapture.Suite.Secrets.Count} / 0");
    }
}
