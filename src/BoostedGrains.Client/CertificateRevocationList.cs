using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BoostedGrains.Client;

/// <summary>
/// The revoked certificates of the CRL files in <c>Tls__CrlPath</c> (PEM or DER), each CRL's signature checked against
/// the trusted CAs. A certificate is revoked when a CRL of its issuer lists its serial number.
/// </summary>
internal sealed class CertificateRevocationList
{
    private const string Setting = "Tls__CrlPath";

    private readonly HashSet<string> _revoked = new(StringComparer.Ordinal);

    private CertificateRevocationList()
    {
    }

    /// <summary>Reads <paramref name="path"/>; fails with the setting's name when it is missing, unreadable or not signed by one of <paramref name="trustedCas"/>.</summary>
    public static CertificateRevocationList Load(string path, X509Certificate2Collection trustedCas)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{Setting} '{path}' does not exist: give the CRL (PEM or DER) of the CA in Tls__TrustedCaPath, or unset it.");
        var list = new CertificateRevocationList();
        var bytes = File.ReadAllBytes(path);
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        var ders = new List<byte[]>();
        for (var rest = text.AsSpan(); PemEncoding.TryFind(rest, out var fields); rest = rest[fields.Location.End..])
            if (rest[fields.Label].SequenceEqual("X509 CRL"))
                ders.Add(Convert.FromBase64String(rest[fields.Base64Data].ToString()));
        if (ders.Count == 0)
            ders.Add(bytes);
        foreach (var der in ders)
            list.Add(der, path, trustedCas);
        return list;
    }

    /// <summary>True when <paramref name="certificate"/>'s issuer has revoked it.</summary>
    public bool IsRevoked(X509Certificate2 certificate) => _revoked.Contains(Key(certificate.IssuerName.RawData, certificate.SerialNumberBytes.Span));

    private void Add(byte[] der, string path, X509Certificate2Collection trustedCas)
    {
        try
        {
            var list = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var tbs = list.ReadEncodedValue();
            var algorithm = list.ReadSequence().ReadObjectIdentifier();
            var signature = list.ReadBitString(out _);

            var body = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
            if (body.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
                body.ReadInteger();
            body.ReadSequence(); // the signature algorithm again
            var issuer = body.ReadEncodedValue().ToArray();
            var issuerCa = trustedCas.FirstOrDefault(ca => ca.SubjectName.RawData.AsSpan().SequenceEqual(issuer));
            if (issuerCa is null || !Verify(issuerCa, algorithm, tbs.Span, signature))
                throw new InvalidOperationException($"{Setting} '{path}' holds a CRL that no CA of Tls__TrustedCaPath signed: give the CRL its issuing CA published.");
            ReadTime(body); // this update
            if (body.HasData && (body.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || body.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
                ReadTime(body); // next update: a stale CRL still revokes what it lists
            if (body.HasData && body.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var entries = body.ReadSequence();
                while (entries.HasData)
                {
                    var entry = entries.ReadSequence();
                    _revoked.Add(Key(issuer, entry.ReadIntegerBytes().Span));
                }
            }
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            throw new InvalidOperationException($"{Setting} '{path}' is not a CRL ({e.Message}): give a PEM or DER CRL.", e);
        }
    }

    private static void ReadTime(AsnReader reader)
    {
        if (reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime))
            reader.ReadUtcTime();
        else
            reader.ReadGeneralizedTime();
    }

    private static bool Verify(X509Certificate2 ca, string algorithm, ReadOnlySpan<byte> data, byte[] signature)
    {
        var (hash, ecdsa) = algorithm switch
        {
            "1.2.840.10045.4.3.2" => (HashAlgorithmName.SHA256, true),
            "1.2.840.10045.4.3.3" => (HashAlgorithmName.SHA384, true),
            "1.2.840.10045.4.3.4" => (HashAlgorithmName.SHA512, true),
            "1.2.840.113549.1.1.11" => (HashAlgorithmName.SHA256, false),
            "1.2.840.113549.1.1.12" => (HashAlgorithmName.SHA384, false),
            "1.2.840.113549.1.1.13" => (HashAlgorithmName.SHA512, false),
            _ => (default, false),
        };
        if (hash == default)
            return false;
        if (ecdsa)
        {
            using var key = ca.GetECDsaPublicKey();
            return key is not null && key.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        using var rsa = ca.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
    }

    // Serial numbers as the certificate and the CRL write them (big-endian, minimal two's complement).
    private static string Key(ReadOnlySpan<byte> issuer, ReadOnlySpan<byte> serial) => $"{Convert.ToHexString(issuer)}/{Convert.ToHexString(serial)}";
}
