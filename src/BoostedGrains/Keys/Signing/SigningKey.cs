using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Keys;

/// <summary>A decrypted signing key ready to sign, built once per key and reused for every assertion.</summary>
public sealed class SigningKey
{
    private SigningKey(string kid, KeyAlgorithm algorithm, SigningCredentials credentials) =>
        (Kid, Algorithm, Credentials) = (kid, algorithm, credentials);

    /// <summary>The key ID, sent as the JWT header <c>kid</c>.</summary>
    public string Kid { get; }

    /// <summary>The signing algorithm.</summary>
    public KeyAlgorithm Algorithm { get; }

    /// <summary>The credentials (the key object caches its signature provider, which is why they are reused).</summary>
    public SigningCredentials Credentials { get; }

    /// <summary>Decrypts and imports <paramref name="key"/>.</summary>
    internal static SigningKey Load(ProtectedSigningKey key, IPrivateKeyProtector protector)
    {
        var pkcs8 = protector.Unprotect(key.PrivateKey, key.Kid);
        try
        {
            // The key objects are not disposed when a key leaves the cache: a signer may still be using them.
            if (key.Algorithm == KeyAlgorithm.ES256)
            {
                var ec = ECDsa.Create();
                ec.ImportPkcs8PrivateKey(pkcs8, out _);
                return new SigningKey(key.Kid, key.Algorithm,
                    new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = key.Kid }, SecurityAlgorithms.EcdsaSha256));
            }
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new SigningKey(key.Kid, key.Algorithm,
                new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = key.Kid }, SecurityAlgorithms.RsaSha256));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"SigningKey {Kid} ({Algorithm})";
}
