using System.Security.Cryptography;
using System.Text;

namespace BoostedGrains.Silo.Security;

/// <summary>
/// Configured keys by name (the last segment of their setting, e.g. <c>0</c> or <c>billing</c> in
/// <c>Gateway__ApiKeys__billing</c>) that a presented key is checked against in constant time.
/// </summary>
public sealed class ApiKeySet(IEnumerable<KeyValuePair<string, string>> keys)
{
    // Compared as SHA-256 digests so that the comparison takes the same time whatever the key's length.
    private readonly (string Name, byte[] Digest)[] _keys =
        keys.Where(key => !string.IsNullOrWhiteSpace(key.Value)).Select(key => (key.Key, Digest(key.Value))).ToArray();

    /// <summary>The configured name of <paramref name="presented"/>, or null when it is none of the keys; every key is compared, match or not.</summary>
    public string? NameOf(string presented)
    {
        var digest = Digest(presented);
        string? name = null;
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(key.Digest, digest))
                name = key.Name;
        }
        return name;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
