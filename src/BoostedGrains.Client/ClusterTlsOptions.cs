using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace BoostedGrains.Client;

/// <summary>
/// Mutual TLS on the Orleans ports (configuration section <c>Tls</c>), read the same way by silos, app servers and the
/// onboarding command. Off while no certificate is set.
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string SectionName = "Tls";

    /// <summary><c>Tls__CertificatePath</c>: this host's certificate, a PFX (<c>.pfx</c>, <c>.p12</c>) or a PEM file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary><c>Tls__CertificateKeyPath</c>: the PEM private key, when it is not inside <see cref="CertificatePath"/>.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary><c>Tls__CertificatePassword</c>: the PFX password (or of an encrypted PEM key), if any.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary><c>Tls__CertificateSubject</c>: instead of a file, the subject of a certificate in the certificate store.</summary>
    public string? CertificateSubject { get; set; }

    /// <summary><c>Tls__CertificateStore</c>: the store that <see cref="CertificateSubject"/> is looked up in (default <c>My</c>).</summary>
    public StoreName CertificateStore { get; set; } = StoreName.My;

    /// <summary><c>Tls__CertificateStoreLocation</c>: <c>CurrentUser</c> (default) or <c>LocalMachine</c>.</summary>
    public StoreLocation CertificateStoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>
    /// <c>Tls__TrustedCaPath</c>: PEM file of the CA certificates that issue the cluster's certificates; peers must chain
    /// to one of them. Required with TLS: the machine's trusted roots are never trusted for the cluster.
    /// </summary>
    public string? TrustedCaPath { get; set; }

    /// <summary>
    /// <c>Tls__CrlPath</c>: optional CRL file (PEM, several allowed, or DER) signed by a CA of <see cref="TrustedCaPath"/>;
    /// a peer whose certificate (or intermediate) it lists is refused. Read at start.
    /// </summary>
    public string? CrlPath { get; set; }

    /// <summary>
    /// <c>Tls__SiloUri</c>: the URI subject alternative name that marks a silo's certificate (default
    /// <see cref="DefaultSiloUri"/>). Only certificates that carry it are accepted on the silo port and as a gateway.
    /// </summary>
    public string SiloUri { get; set; } = DefaultSiloUri;

    /// <summary>The silo role's URI unless <see cref="SiloUri"/> names another (a SPIFFE ID, say).</summary>
    public const string DefaultSiloUri = "urn:boostedgrains:silo";

    /// <summary>True when a certificate is configured, so that the Orleans ports speak TLS.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(CertificateSubject);

    /// <summary>The <c>Tls</c> section of <paramref name="configuration"/>.</summary>
    public static ClusterTlsOptions Bind(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<ClusterTlsOptions>() ?? new ClusterTlsOptions();
}
