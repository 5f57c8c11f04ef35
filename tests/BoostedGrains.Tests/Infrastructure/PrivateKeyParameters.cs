using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Tests.Infrastructure;

/// <summary>The private parameters of a signing key, base64url-encoded as a JWK would carry them: what must never be logged.</summary>
public static class PrivateKeyParameters
{
    public static IEnumerable<string> Of(SecurityKey key) => key switch
    {
        ECDsaSecurityKey ec => [Base64UrlEncoder.Encode(ec.ECDsa.ExportParameters(true).D!)],
        RsaSecurityKey rsa => Rsa(rsa.Rsa?.ExportParameters(true) ?? rsa.Parameters),
        _ => [],
    };

    private static IEnumerable<string> Rsa(System.Security.Cryptography.RSAParameters p) =>
        new[] { p.D, p.P, p.Q, p.DP, p.DQ, p.InverseQ }.Where(b => b is not null).Select(b => Base64UrlEncoder.Encode(b!));
}
