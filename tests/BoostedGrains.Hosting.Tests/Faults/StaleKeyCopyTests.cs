using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using BoostedGrains.Errors;
using BoostedGrains.Hosting.Tests.Infrastructure;
using BoostedGrains.Keys;
using BoostedGrains.Testing;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Orleans.Core.Internal;
using Xunit.Abstractions;

namespace BoostedGrains.Hosting.Tests.Faults;

/// <summary>
/// A silo whose copy of the key ring cannot be refreshed (the ring grain cannot be activated while storage is down)
/// reports not ready once the copy is older than 5 refresh intervals, naming the stale copy, and meanwhile keeps
/// serving the tokens it holds and signing with its current key: nothing told it the key is revoked or retired. Once
/// refreshes succeed again it is ready again, and a refresh that tells it of a revocation stops the key.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class StaleKeyCopyTests(AzuriteServer shared, ITestOutputHelper output)
{
    private const string AdminKey = "stale-copy-admin-key-0123456789abcdef";

    [Fact]
    public async Task A_copy_that_cannot_be_refreshed_makes_the_silo_unready_naming_it_while_it_serves_and_signs_and_recovers()
    {
        _ = shared; // installs Azurite (npm ci) when missing
        await using var azurite = new RestartableAzurite();
        await azurite.StartAsync();
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite.ConnectionString, silos: 2);
        await cluster.StartSilosAsync(new Dictionary<string, string?>
        {
            ["Admin__ApiKeys__0"] = AdminKey,
            // 1 s instead of the default minute: the copy is stale after 5 intervals, 5 s here instead of 5 minutes.
            ["KeyRing__RefreshInterval"] = "00:00:01",
        });
        try
        {
            await RunAsync(azurite, cluster);
        }
        finally
        {
            // A failure during the outage must not leave the silos to stop against absent storage (minutes of retries).
            if (!azurite.IsRunning)
                await azurite.StartAsync();
        }
    }

    private async Task RunAsync(RestartableAzurite azurite, StorageCluster cluster)
    {
        var silos = cluster.Silos;
        var http = cluster.Settings.Silos.Select(p => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{p.Http}/"), Timeout = TimeSpan.FromMinutes(2) }).ToList();
        const string user = "stale-copy-holder";
        var held = await TokenAsync(http[0], cluster, user);
        var signingKid = await SigningKidAsync(http[0]);
        foreach (var client in http)
            await Eventually.TrueAsync(async () => await ReadyStatusAsync(client) == HttpStatusCode.OK, "the silo is ready");
        foreach (var silo in silos)
            Assert.Equal(HealthStatus.Healthy, (await SiloCheckAsync(silo)).Status);

        var log = new LogRecorder();
        silos[0].App.Services.GetRequiredService<ILoggerFactory>().AddProvider(log);

        // Storage down, and the ring grain deactivated: its next activation cannot read the ring, so no refresh succeeds.
        await azurite.StopAsync();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        await cluster.Grains.GetKeyRing().AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.TrueAsync(async () => (await ChecksAsync(silos)).All(check => check.Status == HealthStatus.Unhealthy),
            "every silo's copy of the key ring is stale", TimeSpan.FromSeconds(60));

        var staleAfter = outage.Elapsed;
        var stale = await ChecksAsync(silos);
        var readyWhileStale = new List<HttpStatusCode>();
        foreach (var client in http)
            readyWhileStale.Add(await ReadyStatusAsync(client));
        var copyAges = silos.Select(CopyAgeSeconds).ToList();
        var servedWhileStale = new List<string>();
        foreach (var client in http)
            servedWhileStale.Add(await TokenAsync(client, cluster, user));
        var signersWhileStale = silos.Select(SignerKid).ToList();
        // A real exchange while stale: the rejected token is renewed with an assertion signed by the current key,
        // which Boosted verifies against the JWKS it holds (the new token is served although storing it fails).
        var grain = cluster.Grains.GetUserTokenGrain(user);
        var rejected = await grain.GetAccessTokenAsync();
        await grain.ReportRejectedTokenAsync(rejected.Sha256);
        var renewing = System.Diagnostics.Stopwatch.StartNew();
        var renewed = await RenewedAsync(grain, rejected.Value);
        var renewal = renewing.Elapsed;
        var staleAfterRenewal = (await ChecksAsync(silos)).All(check => check.Status == HealthStatus.Unhealthy);

        await azurite.StartAsync();
        var recovering = System.Diagnostics.Stopwatch.StartNew();
        foreach (var client in http)
            await Eventually.TrueAsync(async () => await ReadyStatusAsync(client) == HttpStatusCode.OK, "the silo is ready again", TimeSpan.FromSeconds(60));
        var recoveredAfter = recovering.Elapsed;
        var recovered = await ChecksAsync(silos);
        var copyAgesAfter = silos.Select(CopyAgeSeconds).ToList();
        var signingKidAfter = await SigningKidAsync(http[0]);
        // What does stop the key: a refresh that tells the silo it is revoked.
        using (var revoke = await AdminAsync(http[0], HttpMethod.Post, $"admin/keys/{signingKid}/revoke"))
            revoke.EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => silos.All(silo => SignerKid(silo) != signingKid), "no silo signs with the revoked key", TimeSpan.FromSeconds(30));
        foreach (var client in http)
            client.Dispose();

        output.WriteLine($"unready after {staleAfter.TotalSeconds:0.0} s of outage; copy ages {string.Join(" / ", copyAges.Select(a => $"{a:0.0} s"))}; "
            + $"renewal while stale {renewal.TotalSeconds:0.0} s; ready again {recoveredAfter.TotalSeconds:0.0} s after storage returned (copy ages {string.Join(" / ", copyAgesAfter.Select(a => $"{a:0.0} s"))})");
        foreach (var check in stale)
        {
            var reason = Regex.Match(check.Description ?? "", @"^The key ring was last read (\d+) s ago \(more than 5 × KeyRing__RefreshInterval\): a revocation may not have reached this silo");
            Assert.True(reason.Success, $"readiness names the stale copy: {check.Description}");
            Assert.InRange(int.Parse(reason.Groups[1].Value), 5, 120);
        }
        Assert.All(readyWhileStale, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
        // The operator reads the same reason in the silo's log, one error line per unready probe.
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Category.EndsWith("DefaultHealthCheckService", StringComparison.Ordinal)
            && e.Message.StartsWith("Health check silo with status Unhealthy", StringComparison.Ordinal) && e.Message.Contains("The key ring was last read", StringComparison.Ordinal));
        // The gauge tells the same age: past the bound of 5 s (generous upper end for a loaded machine).
        Assert.All(copyAges, age => Assert.InRange(age, 5, 120));
        Assert.All(servedWhileStale, token => Assert.Equal(held, token));
        Assert.All(signersWhileStale, kid => Assert.Equal(signingKid, kid));
        Assert.NotEqual(rejected.Value, renewed.Value);
        Assert.True(staleAfterRenewal, "the renewal did not refresh the copy");
        Assert.Equal(2, cluster.Emulator.GetStats().Exchanges[(await grain.GetStatusAsync()).BoostedUserId!]);

        Assert.All(recovered, check => Assert.Equal(HealthStatus.Healthy, check.Status));
        // The copy is fresh again: read within the last 5 refresh intervals.
        Assert.All(copyAgesAfter, age => Assert.InRange(age, 0, 5));
        Assert.Equal(signingKid, signingKidAfter);
    }

    private static async Task<List<HealthReportEntry>> ChecksAsync(IEnumerable<InProcessSilo> silos)
    {
        var checks = new List<HealthReportEntry>();
        foreach (var silo in silos)
            checks.Add(await SiloCheckAsync(silo));
        return checks;
    }

    // The readiness endpoint answers only its status; the report's entries carry each check's reason.
    private static async Task<HealthReportEntry> SiloCheckAsync(InProcessSilo silo) =>
        (await silo.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == "silo")).Entries["silo"];

    private static double CopyAgeSeconds(InProcessSilo silo)
    {
        var meters = silo.App.Services.GetRequiredService<IMeterFactory>();
        double? age = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "boostedgrains.keyring.copy_age" && ReferenceEquals(instrument.Meter.Scope, meters))
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => age = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return age ?? throw new InvalidOperationException("The silo publishes no boostedgrains.keyring.copy_age.");
    }

    private static async Task<AccessToken> RenewedAsync(IUserTokenGrain grain, string rejected)
    {
        AccessToken? renewed = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (renewed = await grain.GetAccessTokenAsync()).Value != rejected;
            }
            catch (TimeoutException)
            {
                // the renewal still waits for storage's retries to give up: ask again
                return false;
            }
        }, "the rejected token was renewed", TimeSpan.FromSeconds(90));
        return renewed!;
    }

    private static async Task<HttpStatusCode> ReadyStatusAsync(HttpClient http)
    {
        using var response = await http.GetAsync("healthz/ready");
        return response.StatusCode;
    }

    private static async Task<string> TokenAsync(HttpClient http, StorageCluster cluster, string user)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"v1/users/{user}/token")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", cluster.Settings.ApiKey) },
        });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The key this silo signs with now, or null when it has none.</summary>
    private static string? SignerKid(InProcessSilo silo)
    {
        try
        {
            return silo.App.Services.GetRequiredService<SigningKeyCache>().GetSigningKey().Kid;
        }
        catch (SigningKeyUnavailableException)
        {
            return null;
        }
    }

    private static Task<HttpResponseMessage> AdminAsync(HttpClient http, HttpMethod method, string path) =>
        http.SendAsync(new HttpRequestMessage(method, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdminKey) } });

    private static async Task<string> SigningKidAsync(HttpClient http)
    {
        using var response = await AdminAsync(http, HttpMethod.Get, "admin/keys");
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("keys").EnumerateArray()
            .Single(k => k.GetProperty("status").GetString() == "Signing").GetProperty("kid").GetString()!;
    }
}
