using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Emulator.Tests.Infrastructure;

/// <summary>A signing key pair with its public JWK; keys are generated once per test run because RSA generation is slow.</summary>
public sealed class TestKey
{
    private static readonly Lazy<TestKey> LazyRsaA = new(() => Rsa("rsa-a"));
    private static readonly Lazy<TestKey> LazyRsaB = new(() => Rsa("rsa-b"));
    private static readonly Lazy<TestKey> LazyRsaC = new(() => Rsa("rsa-c"));
    private static readonly Lazy<TestKey> LazyEcA = new(() => Ec("ec-a"));
    private static readonly Lazy<TestKey> LazyEcB = new(() => Ec("ec-b"));

    private TestKey(string kid, string alg, SecurityKey signingKey, JsonObject publicJwk)
    {
        Kid = kid;
        Alg = alg;
        SigningKey = signingKey;
        PublicJwk = publicJwk;
    }

    public static TestKey RsaA => LazyRsaA.Value;

    public static TestKey RsaB => LazyRsaB.Value;

    public static TestKey RsaC => LazyRsaC.Value;

    public static TestKey EcA => LazyEcA.Value;

    public static TestKey EcB => LazyEcB.Value;

    public string Kid { get; }

    public string Alg { get; }

    public SecurityKey SigningKey { get; }

    public JsonObject PublicJwk { get; }

    private static TestKey Rsa(string kid)
    {
        var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(includePrivateParameters: false);
        return new TestKey(kid, SecurityAlgorithms.RsaSha256, new RsaSecurityKey(rsa) { KeyId = kid }, new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        });
    }

    private static TestKey Ec(string kid)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(includePrivateParameters: false);
        return new TestKey(kid, SecurityAlgorithms.EcdsaSha256, new ECDsaSecurityKey(ec) { KeyId = kid }, new JsonObject
        {
            ["kty"] = "EC",
            ["use"] = "sig",
            ["alg"] = "ES256",
            ["crv"] = "P-256",
            ["kid"] = kid,
            ["x"] = Base64UrlEncoder.Encode(p.Q.X),
            ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
        });
    }
}
