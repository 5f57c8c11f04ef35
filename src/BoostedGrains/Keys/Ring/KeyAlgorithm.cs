namespace BoostedGrains.Keys;

/// <summary>The JWS algorithm of the signing keys (<c>KeyRing__Algorithm</c>).</summary>
public enum KeyAlgorithm
{
    /// <summary>RSA PKCS#1 v1.5 with SHA-256; what Boosted documents (the default).</summary>
    RS256,

    /// <summary>ECDSA on P-256 with SHA-256.</summary>
    ES256,
}
