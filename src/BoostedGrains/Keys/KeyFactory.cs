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
        byte[] pkcs8;
        PublicJwk publicKey;
        if (algorithm == KeyAlgorithm.ES256)
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            // Public parameters only: exporting from the private key object would carry d into the JWK.
            var q = ec.ExportParameters(includePrivateParameters: false).Q;
            var (x, y) = (Base64Url.EncodeToString(q.X), Base64Url.EncodeToString(q.Y));
            publicKey = new PublicJwk { Kty = "EC", Alg = "ES256", Crv = "P-256", X = x, Y = y, Kid = Thumbprint($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""") };
            pkcs8 = ec.ExportPkcs8PrivateKey();
        }
        else
        {
            using var rsa = RSA.Create(rsaKeySize);
            var p = rsa.ExportParameters(includePrivateParameters: false);
            var (n, e) = (Base64Url.EncodeToString(p.Modulus), Base64Url.EncodeToString(p.Exponent));
            publicKey = new PublicJwk { Kty = "RSA", Alg = "RS256", N = n, E = e, Kid = Thumbprint($$"""{"e":"{{e}}","kty":"RSA","n":"{{n}}"}""") };
            pkcs8 = rsa.ExportPkcs8PrivateKey();
        }
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

    /// <summary>The RFC 7638 thumbprint of the canonical JWK members: stable, and the same on every silo.</summary>
    private static string Thumbprint(string canonicalJwk) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJwk)));
}
