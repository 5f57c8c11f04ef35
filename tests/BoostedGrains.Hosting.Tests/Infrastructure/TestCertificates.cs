using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BoostedGrains.Client;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>
/// A throw-away PKI made in the test, written to a temporary folder like Silo/dev-certs.sh's: the cluster's CA, a silo
/// certificate (server and client authentication and the silo URI, PEM with a separate key), an app server's certificate
/// (client authentication only, PFX with a password), a certificate from the cluster's CA with both usages but without
/// the silo URI, and a silo certificate from a CA the cluster does not trust (one PEM file holding certificate and key).
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private TestCertificates(string folder) => Folder = folder;

    public string Folder { get; }

    public string CaPath => Path.Combine(Folder, "ca.pem");

    public string SiloCertificatePath => Path.Combine(Folder, "silo.pem");

    public string SiloKeyPath => Path.Combine(Folder, "silo.key");

    public string AppPfxPath => Path.Combine(Folder, "app.pfx");

    /// <summary>A silo's mutual TLS settings, as docker-compose.yml gives them with the certificates of Silo/dev-certs.sh.</summary>
    public Dictionary<string, string?> SiloTls() => new()
    {
        ["Tls__CertificatePath"] = SiloCertificatePath,
        ["Tls__CertificateKeyPath"] = SiloKeyPath,
        ["Tls__TrustedCaPath"] = CaPath,
    };

    public string AppPfxPassword { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));

    public string UntrustedPath => Path.Combine(Folder, "untrusted.pem");

    public X509Certificate2 App { get; private set; } = null!;

    public X509Certificate2 Silo { get; private set; } = null!;

    /// <summary>From the cluster's CA, for server and client authentication, but not a silo's: no silo URI.</summary>
    public X509Certificate2 ServerWithoutSiloUri { get; private set; } = null!;

    /// <summary>A silo's and an app server's certificate from the cluster's CA, both listed in <see cref="CrlPath"/>.</summary>
    public X509Certificate2 RevokedSilo { get; private set; } = null!;

    public X509Certificate2 RevokedApp { get; private set; } = null!;

    /// <summary>The cluster CA's CRL (PEM), revoking <see cref="RevokedSilo"/> and <see cref="RevokedApp"/>.</summary>
    public string CrlPath => Path.Combine(Folder, "ca.crl.pem");

    /// <summary>A CRL of the same content signed by another CA.</summary>
    public string ForeignCrlPath => Path.Combine(Folder, "foreign.crl.pem");

    /// <summary>Like <see cref="Silo"/> in every way (usages, silo URI), but from a CA the cluster does not trust.</summary>
    public X509Certificate2 Untrusted { get; private set; } = null!;

    public static TestCertificates Create()
    {
        var certificates = new TestCertificates(Directory.CreateTempSubdirectory("bg-tls-").FullName);
        using var ca = CreateCa("CN=BoostedGrains test CA");
        using var rogueCa = CreateCa("CN=Someone else's CA");
        File.WriteAllText(certificates.CaPath, ca.ExportCertificatePem());

        certificates.Silo = Issue(ca, "CN=boostedgrains-silo", silo: true, ServerAuthentication, ClientAuthentication);
        File.WriteAllText(certificates.SiloCertificatePath, certificates.Silo.ExportCertificatePem());
        File.WriteAllText(certificates.SiloKeyPath, certificates.Silo.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

        certificates.App = Issue(ca, "CN=app-server", silo: false, ClientAuthentication);
        certificates.ServerWithoutSiloUri = Issue(ca, "CN=boostedgrains-silo", silo: false, ServerAuthentication, ClientAuthentication);
        File.WriteAllBytes(certificates.AppPfxPath, certificates.App.Export(X509ContentType.Pkcs12, certificates.AppPfxPassword));

        certificates.RevokedSilo = Issue(ca, "CN=boostedgrains-silo", silo: true, ServerAuthentication, ClientAuthentication);
        certificates.RevokedApp = Issue(ca, "CN=app-server", silo: false, ClientAuthentication);
        File.WriteAllText(certificates.CrlPath, Crl(ca, certificates.RevokedSilo, certificates.RevokedApp));
        File.WriteAllText(certificates.ForeignCrlPath, Crl(rogueCa, certificates.RevokedSilo, certificates.RevokedApp));
        certificates.Untrusted = Issue(rogueCa, "CN=boostedgrains-silo", silo: true, ServerAuthentication, ClientAuthentication);
        File.WriteAllText(certificates.UntrustedPath, certificates.Untrusted.ExportCertificatePem() + "\n" + certificates.Untrusted.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return certificates;
    }

    private static string Crl(X509Certificate2 ca, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var certificate in revoked)
            builder.AddEntry(certificate, DateTimeOffset.UtcNow.AddMinutes(-1), X509RevocationReason.KeyCompromise);
        var der = builder.Build(ca, BigInteger.One, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256);
        return new string(PemEncoding.Write("X509 CRL", der));
    }

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        // Outlives every certificate it issues (a leaf may not end after its issuer).
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(2));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, bool silo, params string[] usages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var oids = new OidCollection();
        foreach (var usage in usages)
            oids.Add(new Oid(usage));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        if (silo)
            names.AddUri(new Uri(ClusterTlsOptions.DefaultSiloUri));
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        var withKey = certificate.CopyWithPrivateKey(key);
        // Re-imported so the key outlives this method (CopyWithPrivateKey keeps a reference to the disposed key).
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        App.Dispose();
        Silo.Dispose();
        ServerWithoutSiloUri.Dispose();
        RevokedSilo.Dispose();
        RevokedApp.Dispose();
        Untrusted.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
