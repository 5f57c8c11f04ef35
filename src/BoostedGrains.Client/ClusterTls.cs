using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace BoostedGrains.Client;

/// <summary>
/// Turns <see cref="ClusterTlsOptions"/> into Orleans <see cref="TlsOptions"/>: this host's certificate, required of
/// every peer, and the trust rule for peers' certificates. Every misconfiguration fails at start with the setting's name.
/// </summary>
internal sealed class ClusterTls
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2Collection _trustedCas = [];
    private readonly string _siloUri;
    private readonly CertificateRevocationList? _revocations;

    public ClusterTls(ClusterTlsOptions options, bool silo)
    {
        if (!string.IsNullOrWhiteSpace(options.CertificatePath) && !string.IsNullOrWhiteSpace(options.CertificateSubject))
            throw new InvalidOperationException("Both Tls__CertificatePath and Tls__CertificateSubject are set: give the certificate one way only.");
        // The machine's public CAs would admit any certificate they ever issued: the cluster trusts its own CA only.
        if (string.IsNullOrWhiteSpace(options.TrustedCaPath))
            throw new InvalidOperationException("Tls__TrustedCaPath is required with mutual TLS: give the PEM file of the CA that issues the cluster's " +
                "certificates (the machine's trusted roots are never trusted for the cluster).");
        if (string.IsNullOrWhiteSpace(options.SiloUri) || !Uri.TryCreate(options.SiloUri, UriKind.Absolute, out _))
            throw new InvalidOperationException($"Tls__SiloUri '{options.SiloUri}' is not an absolute URI: give the URI that silos' certificates carry as a subject alternative name.");
        _siloUri = options.SiloUri;
        _certificate = string.IsNullOrWhiteSpace(options.CertificatePath) ? FromStore(options, silo) : FromFile(options);
        if (!File.Exists(options.TrustedCaPath))
            throw new InvalidOperationException($"Tls__TrustedCaPath '{options.TrustedCaPath}' does not exist: give the PEM file of the CA that issues the cluster's certificates.");
        _trustedCas.ImportFromPemFile(options.TrustedCaPath);
        if (_trustedCas.Count == 0)
            throw new InvalidOperationException($"Tls__TrustedCaPath '{options.TrustedCaPath}' holds no PEM certificate.");
        if (!string.IsNullOrWhiteSpace(options.CrlPath))
            _revocations = CertificateRevocationList.Load(options.CrlPath, _trustedCas);
    }

    /// <summary>Sets <paramref name="tls"/> up for connections with a silo (whose certificate must be a silo's) or with an Orleans client.</summary>
    public TlsOptions Apply(TlsOptions tls, bool siloPeer)
    {
        tls.LocalCertificate = _certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (certificate, chain, errors) =>
            IsTrusted(certificate, chain) && (!siloPeer || IsSilo(certificate));
        return tls;
    }

    // Peers are reached by IP address and silos come and go, so host names prove nothing here: trust comes from the issuer.
    private bool IsTrusted(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trustedCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (!chain.Build(certificate))
            return false;
        // Every certificate below the trusted root, so that a revoked intermediate revokes what it issued.
        return _revocations is null || !chain.ChainElements.Take(chain.ChainElements.Count - 1).Any(element => _revocations.IsRevoked(element.Certificate));
    }

    // A silo's certificate names the silo role (Tls__SiloUri) among its subject alternative names, which the cluster's CA
    // writes into silos' certificates only; server authentication alone is a usage many certificates carry.
    private bool IsSilo(X509Certificate2 certificate) =>
        AllowsServerAuthentication(certificate) && ClusterTlsRoles.Uris(certificate).Contains(_siloUri, StringComparer.Ordinal);

    private static bool AllowsServerAuthentication(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .Any(usage => usage.EnhancedKeyUsages.Cast<Oid>().Any(oid => oid.Value == ServerAuthentication));

    private static X509Certificate2 FromFile(ClusterTlsOptions options)
    {
        var path = options.CertificatePath!;
        if (!File.Exists(path))
            throw new InvalidOperationException($"Tls__CertificatePath '{path}' does not exist: give this host's certificate as a PFX or PEM file.");
        if (!string.IsNullOrWhiteSpace(options.CertificateKeyPath) && !File.Exists(options.CertificateKeyPath))
            throw new InvalidOperationException($"Tls__CertificateKeyPath '{options.CertificateKeyPath}' does not exist: give the PEM private key of Tls__CertificatePath.");
        X509Certificate2 certificate;
        try
        {
            certificate = Path.GetExtension(path).ToLowerInvariant() is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword)
                : Pem(path, options.CertificateKeyPath, options.CertificatePassword);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"Tls__CertificatePath '{path}' could not be read ({e.Message}): check the file and Tls__CertificatePassword.", e);
        }
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException($"Tls__CertificatePath '{path}' has no private key: include it, or set Tls__CertificateKeyPath.");
        return certificate;
    }

    private static X509Certificate2 Pem(string path, string? keyPath, string? password)
    {
        using var pem = string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(path, string.IsNullOrWhiteSpace(keyPath) ? null : keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password, string.IsNullOrWhiteSpace(keyPath) ? null : keyPath);
        // A PEM key is ephemeral; TLS needs it in a key container, which a PKCS#12 round trip gives it.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 FromStore(ClusterTlsOptions options, bool silo)
    {
        try
        {
            return CertificateLoader.LoadFromStoreCert(options.CertificateSubject!, options.CertificateStore.ToString(), options.CertificateStoreLocation,
                allowInvalid: true, server: silo); // checked against Tls__TrustedCaPath instead
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException(
                $"Tls__CertificateSubject '{options.CertificateSubject}': no usable certificate with a private key in {options.CertificateStoreLocation}/{options.CertificateStore} ({e.Message}).", e);
        }
    }
}
