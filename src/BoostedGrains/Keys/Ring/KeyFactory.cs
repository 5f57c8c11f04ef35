using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace BoostedGrains.Keys;

/// <summary>Generates signing keys (CPU-heavy for RSA: call it off the grain's turn) and loads their private halves.</summary>
internal static class KeyFactory
{
    /// <summary>A new key, its private half already protected; its timeline is set when the ring adds it.</summary>
    public static KeyRecord Create(KeyAlgorithm algorithm, int rsaKeySize, IPrivateKeyProtector protector)
    {
        if (algorithm == KeyAlgorithm.ES256)
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return Protect(algorithm, EcJwk(ec, kid: null), ec.ExportPkcs8PrivateKey(), protector);
        }
        using var rsa = RSA.Create(rsaKeySize);
        return Protect(algorithm, RsaJwk(rsa, kid: null), rsa.ExportPkcs8PrivateKey(), protector);
    }

    /// <summary>
    /// A key from a PEM private key (PKCS#8, PKCS#1 or SEC1) that Boosted already knows as <paramref name="kid"/>:
    /// RSA of at least 2048 bits (RS256) or P-256 (ES256). Throws <see cref="KeyImportException"/> otherwise.
    /// </summary>
    public static KeyRecord Import(string pem, string kid, IPrivateKeyProtector protector)
    {
        // The PEM is a secret: no message below echoes any part of it.
        using (var rsa = RSA.Create())
        {
            if (TryImport(() => rsa.ImportFromPem(pem)) && TryExportPrivate(rsa) is { } pkcs8)
            {
                if (rsa.KeySize < 2048)
                {
                    CryptographicOperations.ZeroMemory(pkcs8);
                    throw new KeyImportException($"KeyRing__Import__Pem is a {rsa.KeySize}-bit RSA key: Boosted requires at least 2048 bits.");
                }
                return Protect(KeyAlgorithm.RS256, RsaJwk(rsa, kid), pkcs8, protector);
            }
        }
        using (var ec = ECDsa.Create())
        {
            if (TryImport(() => ec.ImportFromPem(pem)) && TryExportPrivate(ec) is { } pkcs8)
            {
                if (ec.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
                {
                    CryptographicOperations.ZeroMemory(pkcs8);
                    throw new KeyImportException("KeyRing__Import__Pem is an EC key on a curve other than P-256: ES256 needs P-256.");
                }
                return Protect(KeyAlgorithm.ES256, EcJwk(ec, kid), pkcs8, protector);
            }
        }
        throw new KeyImportException("KeyRing__Import__Pem holds no unencrypted RSA or P-256 EC private key in PEM "
            + "(PKCS#8 'BEGIN PRIVATE KEY', 'BEGIN RSA PRIVATE KEY' or 'BEGIN EC PRIVATE KEY').");
    }

    private static KeyRecord Protect(KeyAlgorithm algorithm, PublicJwk publicKey, byte[] pkcs8, IPrivateKeyProtector protector)
    {
        try
        {
            return new KeyRecord
            {
                Kid = publicKey.Kid,
                Algorithm = algorithm,
                PublicKey = publicKey,
                PrivateKey = protector.Protect(pkcs8, publicKey.Kid),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    // Public parameters only: exporting from the private key object would carry the private members into the JWK.
    private static PublicJwk RsaJwk(RSA rsa, string? kid)
    {
        var p = rsa.ExportParameters(includePrivateParameters: false);
        var (n, e) = (Base64Url.EncodeToString(p.Modulus), Base64Url.EncodeToString(p.Exponent));
        return new PublicJwk { Kty = "RSA", Alg = "RS256", N = n, E = e, Kid = kid ?? Thumbprint($$"""{"e":"{{e}}","kty":"RSA","n":"{{n}}"}""") };
    }

    private static PublicJwk EcJwk(ECDsa ec, string? kid)
    {
        var q = ec.ExportParameters(includePrivateParameters: false).Q;
        var (x, y) = (Base64Url.EncodeToString(q.X), Base64Url.EncodeToString(q.Y));
        return new PublicJwk { Kty = "EC", Alg = "ES256", Crv = "P-256", X = x, Y = y, Kid = kid ?? Thumbprint($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""") };
    }

    private static bool TryImport(Action import)
    {
        try
        {
            import();
            return true;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    // A PEM holding only a public key imports fine but cannot sign.
    private static byte[]? TryExportPrivate(AsymmetricAlgorithm key)
    {
        try
        {
            return key.ExportPkcs8PrivateKey();
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The RFC 7638 thumbprint of a public key: what the kid of every key the ring generates is.</summary>
    public static string Thumbprint(PublicJwk key) => key.Kty == "EC"
        ? Thumbprint($$"""{"crv":"{{key.Crv}}","kty":"EC","x":"{{key.X}}","y":"{{key.Y}}"}""")
        : Thumbprint($$"""{"e":"{{key.E}}","kty":"RSA","n":"{{key.N}}"}""");

    /// <summary>Whether the public key that <paramref name="pkcs8"/> holds is <paramref name="published"/>.</summary>
    public static bool Matches(KeyAlgorithm algorithm, ReadOnlySpan<byte> pkcs8, PublicJwk published)
    {
        try
        {
            PublicJwk derived;
            if (algorithm == KeyAlgorithm.ES256)
            {
                using var ec = ECDsa.Create();
                ec.ImportPkcs8PrivateKey(pkcs8, out _);
                derived = EcJwk(ec, published.Kid);
            }
            else
            {
                using var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                derived = RsaJwk(rsa, published.Kid);
            }
            return derived.Kty == published.Kty && derived.N == published.N && derived.E == published.E
                && derived.Crv == published.Crv && derived.X == published.X && derived.Y == published.Y;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The RFC 7638 thumbprint of the canonical JWK members: stable, and the same on every silo.</summary>
    private static string Thumbprint(string canonicalJwk) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJwk)));
}
