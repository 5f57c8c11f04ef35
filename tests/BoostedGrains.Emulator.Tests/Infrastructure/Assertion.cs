using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Emulator.Tests.Infrastructure;

/// <summary>A JWT assertion under construction: header and claims are plain dictionaries so a test can break any rule;
/// signing goes through Microsoft.IdentityModel's crypto providers.</summary>
public sealed class Assertion
{
    public Dictionary<string, object?> Header { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, object?> Claims { get; } = new(StringComparer.Ordinal);

    /// <summary>The key that signs; null leaves the signature empty (for <c>alg: none</c>).</summary>
    public SecurityKey? SigningKey { get; set; }

    /// <summary>A valid assertion: RS256/ES256 per the key, typ JWT, kid, iss, sub, aud, iat, exp (+120 s), jti.</summary>
    public static Assertion Valid(TestKey key, string issuer, string subject, string audience, DateTimeOffset now)
    {
        var assertion = new Assertion { SigningKey = key.SigningKey };
        assertion.Header["alg"] = key.Alg;
        assertion.Header["typ"] = "JWT";
        assertion.Header["kid"] = key.Kid;
        assertion.Claims["iss"] = issuer;
        assertion.Claims["sub"] = subject;
        assertion.Claims["aud"] = audience;
        assertion.Claims["iat"] = now.ToUnixTimeSeconds();
        assertion.Claims["exp"] = now.ToUnixTimeSeconds() + 120;
        assertion.Claims["jti"] = Guid.NewGuid().ToString("N");
        return assertion;
    }

    public string Sign()
    {
        var header = Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(Header));
        var payload = Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(Claims));
        var input = $"{header}.{payload}";
        if (SigningKey is null)
        {
            return input + ".";
        }

        var alg = (string)Header["alg"]!;
        var provider = SigningKey.CryptoProviderFactory.CreateForSigning(SigningKey, alg);
        try
        {
            return input + "." + Base64UrlEncoder.Encode(provider.Sign(Encoding.ASCII.GetBytes(input)));
        }
        finally
        {
            SigningKey.CryptoProviderFactory.ReleaseSignatureProvider(provider);
        }
    }
}
