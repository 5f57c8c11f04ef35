namespace BoostedGrains.Keys;

/// <summary>The public half of a signing key, exactly the members the JWKS publishes (no private member can be held).</summary>
[GenerateSerializer, Immutable]
public sealed class PublicJwk
{
    /// <summary><c>RSA</c> or <c>EC</c>.</summary>
    [Id(0)] public required string Kty { get; init; }

    /// <summary><c>RS256</c> or <c>ES256</c>.</summary>
    [Id(1)] public required string Alg { get; init; }

    /// <summary>The RFC 7638 thumbprint of the key.</summary>
    [Id(2)] public required string Kid { get; init; }

    /// <summary>RSA modulus, base64url.</summary>
    [Id(3)] public string? N { get; init; }

    /// <summary>RSA public exponent, base64url.</summary>
    [Id(4)] public string? E { get; init; }

    /// <summary>EC curve, <c>P-256</c>.</summary>
    [Id(5)] public string? Crv { get; init; }

    /// <summary>EC point x, base64url.</summary>
    [Id(6)] public string? X { get; init; }

    /// <summary>EC point y, base64url.</summary>
    [Id(7)] public string? Y { get; init; }
}
