using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using BoostedGrains.Client;
using BoostedGrains.Testing;

namespace BoostedGrains.Hosting.Tests.Compose;

/// <summary>Silo/dev-certs.sh (openssl) writes what docker-compose.yml mounts: a CA, a silo certificate and an app server's.</summary>
public sealed class DevCertificateScriptTests : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly string _folder = Directory.CreateTempSubdirectory("bg-devcerts-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task RunScriptAsync()
    {
        using var script = Process.Start(new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot.Path, "Silo", "dev-certs.sh"), _folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var error = script.StandardError.ReadToEndAsync();
        await script.StandardOutput.ReadToEndAsync();
        await script.WaitForExitAsync();
        Assert.True(script.ExitCode == 0, $"dev-certs.sh failed: {await error}");
    }

    private static string[] Usages(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()
            .Select(oid => oid.Value!).Order().ToArray();

    [Fact]
    public async Task The_silo_certificate_chains_to_the_ca_and_may_serve_and_connect()
    {
        await RunScriptAsync();

        using var silo = X509Certificate2.CreateFromPemFile(Path.Combine(_folder, "silo.pem"), Path.Combine(_folder, "silo.key"));
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(Path.Combine(_folder, "ca.pem"));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        Assert.True(silo.HasPrivateKey);
        Assert.True(chain.Build(silo), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal([ServerAuthentication, ClientAuthentication], Usages(silo));
        Assert.Equal(["silo1", "silo2", "silo3", "localhost"], silo.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        Assert.Equal([ClusterTlsOptions.DefaultSiloUri], ClusterTlsRoles.Uris(silo));
    }

    [Fact]
    public async Task The_app_server_certificate_is_for_client_authentication_only()
    {
        await RunScriptAsync();

        using var app = X509Certificate2.CreateFromPemFile(Path.Combine(_folder, "app.pem"), Path.Combine(_folder, "app.key"));

        Assert.True(app.HasPrivateKey);
        Assert.Equal([ClientAuthentication], Usages(app));
        Assert.Empty(ClusterTlsRoles.Uris(app));
    }
}
