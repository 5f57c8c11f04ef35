using System.Security.Cryptography;
using System.Text;

namespace BoostedGrains.Tokens;

/// <summary>Hashes tokens so that they can be compared and reported without being revealed.</summary>
public static class TokenHash
{
    /// <summary>Lowercase hex SHA-256 of the UTF-8 bytes of <paramref name="token"/>.</summary>
    public static string Sha256Hex(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
