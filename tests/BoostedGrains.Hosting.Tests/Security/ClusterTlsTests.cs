using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BoostedGrains.Client;
using BoostedGrains.Hosting.Tests.Infrastructure;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Onboarding;
using BoostedGrains.Testing;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace BoostedGrains.Hosting.Tests.Security;

/// <summary>
/// Three real silo hosts with mutual TLS on both Orleans ports, certificates made by the test: app servers with a
/// certificate from the cluster's CA get tokens; nobody else gets a word out of the silos.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class ClusterTlsTests(ClusterTlsTests.TlsCluster tls) : IClassFixture<ClusterTlsTests.TlsCluster>
{
    /// <summary>
    /// Azure Table storage, as several silos run in production, and one emulator as Boosted. Not in-memory state: a
    /// joining silo can start from an empty key ring there (docs/design.md, hosting modes) and sign with a key the
    /// emulator never fetched, which failed these tests about once in 40 runs.
    /// </summary>
    public sealed class TlsCluster(AzuriteServer azurite) : IAsyncLifetime
    {
        internal TestCertificates Certificates { get; } = TestCertificates.Create();

        internal StorageCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 3);
            // An admin key turns the Orleans Dashboard on: its grains are among what a forged caller aims at. The CRL
            // (optional, off by default) is on so that revoked certificates can be tried.
            await Cluster.StartSilosAsync(StorageCluster.With(Certificates.SiloTls(), new Dictionary<string, string?>
            {
                ["Admin__ApiKeys__ops"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["Tls__CrlPath"] = Certificates.CrlPath,
            }));
        }

        /// <summary>An app server's settings: the gateways, the cluster, and (when given) its TLS settings.</summary>
        public Dictionary<string, string?> AppServer(params (string Key, string Value)[] tls)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Cluster:ClusterId"] = Cluster.Settings.ClusterId,
                ["Cluster:ServiceId"] = Cluster.Settings.ServiceId,
                // A refused connection should fail the start at once, not wait out the default 30 s.
                ["BoostedClient:ResponseTimeout"] = "00:00:05",
            };
            for (var i = 0; i < Cluster.Settings.Silos.Count; i++)
                settings[$"BoostedClient:GatewayPorts:{i}"] = Cluster.Settings.Silos[i].Gateway.ToString();
            foreach (var (key, value) in tls)
                settings[key] = value;
            return settings;
        }

        public async Task DisposeAsync()
        {
            await Cluster.DisposeAsync();
            Certificates.Dispose();
        }
    }

    [Fact]
    public async Task An_app_server_with_a_certificate_from_the_cluster_ca_gets_tokens_from_every_silo()
    {
        using var app = await StartAppServerAsync(tls.AppServer(
            ("Tls:CertificatePath", tls.Certificates.AppPfxPath),
            ("Tls:CertificatePassword", tls.Certificates.AppPfxPassword),
            ("Tls:TrustedCaPath", tls.Certificates.CaPath)));
        var tokens = app.Services.GetRequiredService<IBoostedTokenProvider>();

        var served = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => tokens.GetTokenAsync($"tls-user-{i}-{Guid.NewGuid():N}")));

        Assert.All(served, token => Assert.False(string.IsNullOrEmpty(token.Value)));
        // Grains on every silo answered, so silo-to-silo traffic ran over TLS too.
        var hosts = await Task.WhenAll(tls.Cluster.Silos.Select(silo => silo.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)));
        Assert.All(hosts, h => Assert.Equal(3, h.Count));
    }

    [Fact]
    public async Task An_app_server_with_its_certificate_in_the_certificate_store_gets_tokens()
    {
        // The user's own store (on Linux a folder under ~/.dotnet), emptied of this certificate again at the end.
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(tls.Certificates.App);
        try
        {
            using var app = await StartAppServerAsync(tls.AppServer(
                ("Tls:CertificateSubject", tls.Certificates.App.GetNameInfo(X509NameType.SimpleName, forIssuer: false)),
                ("Tls:TrustedCaPath", tls.Certificates.CaPath)));

            var token = await app.Services.GetRequiredService<IBoostedTokenProvider>().GetTokenAsync($"tls-store-{Guid.NewGuid():N}");

            Assert.False(string.IsNullOrEmpty(token.Value));
        }
        finally
        {
            store.Remove(tls.Certificates.App);
        }
    }

    [Fact]
    public async Task The_onboarding_command_provisions_over_mutual_tls_with_the_same_settings()
    {
        var users = Enumerable.Range(0, 3).Select(i => $"tls-onboard-{i}-{Guid.NewGuid():N}").ToList();
        var file = Path.Combine(tls.Certificates.Folder, "users.csv");
        await File.WriteAllLinesAsync(file, ["user_id", .. users]);
        var settings = tls.AppServer(
            ("Tls:CertificatePath", tls.Certificates.AppPfxPath),
            ("Tls:CertificatePassword", tls.Certificates.AppPfxPassword),
            ("Tls:TrustedCaPath", tls.Certificates.CaPath));

        var exitCode = await ProvisionCommand.RunAsync(["--file", file, .. settings.Select(s => $"--{s.Key}={s.Value}")], new StringWriter(),
            interactive: false, CancellationToken.None);

        Assert.Equal(0, exitCode);
        foreach (var user in users)
            Assert.True((await tls.Cluster.Grains.GetUserTokenGrain(user).GetStatusAsync()).Provisioned);
    }

    // A real plaintext client: raw bytes would prove nothing, since a plaintext gateway closes on any bytes that are not
    // an Orleans preamble too.
    [Fact]
    public async Task A_plaintext_orleans_client_cannot_connect()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StartAppServerAsync(tls.AppServer(), RefusedClientWait));
    }

    [Fact]
    public async Task A_certificate_from_another_ca_is_refused_at_the_gateway_port()
    {
        Assert.Equal(Probe.Refused, await ProbeAsync(tls.Cluster.Settings.Silos[1].Gateway, tls.Certificates.Untrusted));
    }

    [Fact]
    public async Task A_certificate_from_another_ca_is_refused_at_the_silo_port()
    {
        Assert.Equal(Probe.Refused, await ProbeAsync(tls.Cluster.Settings.Silos[1].Silo, tls.Certificates.Untrusted));
    }

    [Fact]
    public async Task A_tls_client_without_a_certificate_is_refused_at_the_gateway_port()
    {
        Assert.Equal(Probe.Refused, await ProbeAsync(tls.Cluster.Settings.Silos[1].Gateway, clientCertificate: null));
    }

    [Fact]
    public async Task An_app_server_certificate_is_refused_at_the_silo_port()
    {
        Assert.Equal(Probe.Refused, await ProbeAsync(tls.Cluster.Settings.Silos[1].Silo, tls.Certificates.App));
    }

    // Server authentication is a usage many certificates from a CA carry: without the silo URI it is no silo.
    [Fact]
    public async Task A_server_certificate_from_the_cluster_ca_without_the_silo_uri_is_refused_at_the_silo_port()
    {
        Assert.Equal(Probe.Refused, await ProbeAsync(tls.Cluster.Settings.Silos[1].Silo, tls.Certificates.ServerWithoutSiloUri));
    }

    // The controls of the probes above: the peers each port admits are left waiting for their Orleans preamble.
    [Fact]
    public async Task A_silo_certificate_is_admitted_at_the_silo_port()
    {
        Assert.Equal(Probe.Admitted, await ProbeAsync(tls.Cluster.Settings.Silos[1].Silo, tls.Certificates.Silo));
    }

    [Fact]
    public async Task An_app_server_certificate_is_admitted_at_the_gateway_port()
    {
        Assert.Equal(Probe.Admitted, await ProbeAsync(tls.Cluster.Settings.Silos[1].Gateway, tls.Certificates.App));
    }

    [Fact]
    public async Task A_revoked_silo_certificate_is_refused_at_the_silo_port()
    {
        Assert.Equal(Probe.Refused, await ProbeAsync(tls.Cluster.Settings.Silos[1].Silo, tls.Certificates.RevokedSilo));
    }

    [Fact]
    public async Task A_revoked_app_server_certificate_is_refused_at_the_gateway_port()
    {
        Assert.Equal(Probe.Refused, await ProbeAsync(tls.Cluster.Settings.Silos[1].Gateway, tls.Certificates.RevokedApp));
    }

    [Fact]
    public async Task A_crl_signed_by_another_ca_fails_the_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAppServerAsync(tls.AppServer(
            ("Tls:CertificatePath", tls.Certificates.AppPfxPath),
            ("Tls:CertificatePassword", tls.Certificates.AppPfxPassword),
            ("Tls:TrustedCaPath", tls.Certificates.CaPath),
            ("Tls:CrlPath", tls.Certificates.ForeignCrlPath))));

        Assert.Equal($"Tls__CrlPath '{tls.Certificates.ForeignCrlPath}' holds a CRL that no CA of Tls__TrustedCaPath signed: give the CRL its issuing CA published.", error.Message);
    }

    [Fact]
    public async Task An_app_server_without_a_trusted_ca_setting_fails_the_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAppServerAsync(tls.AppServer(
            ("Tls:CertificatePath", tls.Certificates.AppPfxPath),
            ("Tls:CertificatePassword", tls.Certificates.AppPfxPassword))));

        Assert.StartsWith("Tls__TrustedCaPath is required with mutual TLS: give the PEM file of the CA", error.Message);
    }

    [Fact]
    public async Task A_silo_without_a_trusted_ca_setting_fails_the_start_naming_the_setting()
    {
        var settings = StorageCluster.With(tls.Cluster.Settings.Silo(0), tls.Certificates.SiloTls());
        settings.Remove("Tls__TrustedCaPath");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await InProcessSilo.StartAsync(settings));

        Assert.StartsWith("Tls__TrustedCaPath is required with mutual TLS: give the PEM file of the CA", error.Message);
    }

    public static TheoryData<string> ForgedCallers => ["the key ring grain itself", "a silo's own client"];

    /// <summary>
    /// A hand-crafted client holding a real app server certificate: it names a silo-side caller in every message and
    /// sends a made-up silo proof in its request context. It never gets an answer (the silos answer the caller it
    /// claims), so the silos' refusals, counted, are what the test waits for; then nothing may have happened.
    /// </summary>
    [Theory]
    [MemberData(nameof(ForgedCallers))]
    public async Task A_client_forging_a_silo_caller_reaches_no_silo_only_grain(string claimed)
    {
        using var app = await StartAppServerAsync(tls.AppServer(
            ("Tls:CertificatePath", tls.Certificates.AppPfxPath),
            ("Tls:CertificatePassword", tls.Certificates.AppPfxPassword),
            ("Tls:TrustedCaPath", tls.Certificates.CaPath)));
        var client = app.Services.GetRequiredService<IClusterClient>();
        var silo = tls.Cluster.Silos[0].App.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var keys = (await tls.Cluster.Grains.GetKeyRing().ListKeysAsync()).Select(key => key.Kid).ToList();
        var reprovisioned = $"tls-forged-{Guid.NewGuid():N}";
        using var refused = new SiloCounter(tls.Cluster.Silos.Select(s => s.App.Services), "boostedgrains.silo_only.refused");

        ForgedCaller.Impersonate(client, claimed == "a silo's own client" ? ForgedCaller.HostedClientOf(silo) : client.GetKeyRing().GetGrainId());
        RequestContext.Set("boostedgrains.silo-call", $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}");
        var dashboard = Type.GetType("Orleans.Dashboard.Core.IDashboardGrain, Orleans.Dashboard", throwOnError: true)!;
        var calls = new Dictionary<string, Func<Task>>
        {
            ["IKeyRingGrain.RotateNowAsync"] = () => client.GetKeyRing().RotateNowAsync(),
            ["IManagementTokenGrain.GetTokenAsync"] = () => client.GetGrain<IManagementTokenGrain>(IManagementTokenGrain.AccountManagement).GetTokenAsync(),
            ["IUserTokenAdminGrain.ReprovisionAsync"] = () => client.GetGrain<IUserTokenAdminGrain>(reprovisioned).ReprovisionAsync(),
            ["IManagementGrain.ForceActivationCollection"] = () => client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero),
            ["IDashboardGrain.GetGrainState"] = () => (Task)dashboard.GetMethod("GetGrainState")!.Invoke(client.GetGrain(dashboard, 0L),
                [reprovisioned, typeof(IUserTokenGrain).FullName, CancellationToken.None])!,
        };
        var unanswered = calls.Values.Select(call => call()).ToList();
        RequestContext.Clear();

        await Eventually.TrueAsync(() => calls.Keys.All(method => refused.Sum("method", method) == 1), "every forged call was refused");
        Assert.Equal(keys, (await tls.Cluster.Grains.GetKeyRing().ListKeysAsync()).Select(key => key.Kid));
        Assert.False((await tls.Cluster.Grains.GetUserTokenGrain(reprovisioned).GetStatusAsync()).Provisioned);
        _ = Task.WhenAll(unanswered).ContinueWith(t => t.Exception, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_missing_certificate_file_fails_the_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAppServerAsync(tls.AppServer(
            ("Tls:CertificatePath", Path.Combine(tls.Certificates.Folder, "missing.pfx")),
            ("Tls:TrustedCaPath", tls.Certificates.CaPath))));

        Assert.StartsWith("Tls__CertificatePath '", error.Message);
        Assert.EndsWith("missing.pfx' does not exist: give this host's certificate as a PFX or PEM file.", error.Message);
    }

    // Orleans keeps retrying refused gateways for about 3 minutes before it fails a client's start (measured here), while
    // a client with a trusted certificate starts in well under a second: a client not started after 10 s was refused.
    private static readonly TimeSpan RefusedClientWait = TimeSpan.FromSeconds(10);

    private static async Task<IHost> StartAppServerAsync(Dictionary<string, string?> settings, TimeSpan? wait = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.AddBoostedTokens();
        var host = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromMinutes(1));
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private enum Probe { Admitted, Refused }

    // The silo port greets an admitted peer with its own preamble; the gateway waits for the client's. Nothing is written:
    // bytes that are not a preamble get any peer closed.
    private static readonly TimeSpan AdmittedPeerWait = TimeSpan.FromSeconds(10);

    // Completes a TLS handshake as a client that trusts any server, then reads. Refused: the silo closes the connection
    // (end of stream) or fails the handshake, right after the client's certificate reached it. Admitted: the silo sends
    // its preamble, or keeps the connection open for AdmittedPeerWait. A slow answer is never counted as a refusal.
    private static async Task<Probe> ProbeAsync(int port, X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            });
            return await ssl.ReadAsync(new byte[64]).AsTask().WaitAsync(AdmittedPeerWait) == 0 ? Probe.Refused : Probe.Admitted;
        }
        catch (TimeoutException)
        {
            return Probe.Admitted;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return Probe.Refused;
        }
    }
}
