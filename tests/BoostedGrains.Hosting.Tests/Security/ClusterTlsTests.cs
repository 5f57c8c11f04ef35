using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using BoostedGrains.Client;
using BoostedGrains.Hosting.Tests.Infrastructure;
using BoostedGrains.Silo.Onboarding;
using BoostedGrains.Testing;
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
            await Cluster.StartSilosAsync(Certificates.SiloTls());
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
    public async Task An_orleans_client_with_a_certificate_from_another_ca_cannot_connect()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StartAppServerAsync(tls.AppServer(
            ("Tls:CertificatePath", tls.Certificates.UntrustedPath),
            ("Tls:TrustedCaPath", tls.Certificates.CaPath)), RefusedClientWait));
    }

    [Fact]
    public async Task A_tls_client_without_a_certificate_gets_no_answer_from_the_gateway()
    {
        Assert.True(await IsTurnedAwayAsync(tls.Cluster.Settings.Silos[1].Gateway, clientCertificate: null));
    }

    [Fact]
    public async Task An_app_server_certificate_is_turned_away_at_the_silo_port()
    {
        Assert.True(await IsTurnedAwayAsync(tls.Cluster.Settings.Silos[1].Silo, tls.Certificates.App));
    }

    // The control of the two probes above: a peer the silo port admits is not turned away by the same probe.
    [Fact]
    public async Task A_silo_certificate_is_admitted_at_the_silo_port()
    {
        Assert.False(await IsTurnedAwayAsync(tls.Cluster.Settings.Silos[1].Silo, tls.Certificates.Silo));
    }

    [Fact]
    public async Task A_missing_certificate_file_fails_the_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAppServerAsync(tls.AppServer(
            ("Tls:CertificatePath", Path.Combine(tls.Certificates.Folder, "missing.pfx")))));

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

    // A refused peer sees its connection closed (after a TLS alert) right after the handshake; an admitted one is left
    // open, waiting for its Orleans preamble. Nothing is written: bytes that are not a preamble get any peer closed.
    private static readonly TimeSpan AdmittedPeerWait = TimeSpan.FromSeconds(10);

    // Completes a TLS handshake as a client that trusts any server and reports whether the silo then closed the
    // connection (or failed the handshake) instead of waiting: what a refused peer sees.
    private static async Task<bool> IsTurnedAwayAsync(int port, X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            }, timeout.Token);
            return await ssl.ReadAsync(new byte[64], timeout.Token).AsTask().WaitAsync(AdmittedPeerWait) == 0;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return true;
        }
    }
}
