using System.Security.Cryptography;
using System.Text;

namespace BoostedGrains.Silo.Security;

/// <summary>A set of configured keys that a presented key is checked against in constant time.</summary>
public sealed class ApiKeySet(IEnumerable<string> keys)
{
    // Compared as SHA-256 digests so that the comparison takes the same time whatever the key's length.
    private readonly byte[][] _digests = keys.Where(key => !string.IsNullOrWhiteSpace(key)).Select(Digest).ToArray();

    /// <summary>True when <paramref name="presented"/> is one of the keys; every key is compared, match or not.</summary>
    public bool Contains(string presented)
    {
        var digest = Digest(presented);
        var match = false;
        foreach (var key in _digests)
            match |= CryptographicOperations.FixedTimeEquals(key, digest);
        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
