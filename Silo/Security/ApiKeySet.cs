using System.Buffers;
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
    public string? NameOf(ReadOnlySpan<char> presented)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(presented, digest);
        string? name = null;
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(key.Digest, digest))
                name = key.Name;
        }
        return name;
    }

    private static byte[] Digest(string key)
    {
        var digest = new byte[SHA256.HashSizeInBytes];
        Digest(key, digest);
        return digest;
    }

    // Checked on every request: no allocation for a key of ordinary length.
    private static void Digest(ReadOnlySpan<char> key, Span<byte> digest)
    {
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        var rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> utf8 = rented is null ? stackalloc byte[512] : rented;
        try
        {
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(key, utf8)], digest);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}
