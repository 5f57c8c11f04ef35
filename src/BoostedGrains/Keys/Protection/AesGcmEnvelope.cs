using System.Security.Cryptography;

namespace BoostedGrains.Keys;

/// <summary>
/// AES-256-GCM as every secret at rest is sealed here (private keys, user tokens): one buffer of nonce, tag and
/// ciphertext, with associated data that binds the ciphertext to what it belongs to.
/// </summary>
internal static class AesGcmEnvelope
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="key"/> with a fresh random nonce.</summary>
    public static byte[] Seal(byte[] key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var data = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = data.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), associatedData);
        return data;
    }

    /// <summary>The plaintext, or null when the key or the associated data does not match or the data was altered.</summary>
    public static byte[]? TryOpen(byte[] key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> associatedData)
    {
        if (data.Length < NonceSize + TagSize)
            return null;
        var plaintext = new byte[data.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(data[..NonceSize], data[(NonceSize + TagSize)..], data.Slice(NonceSize, TagSize), plaintext, associatedData);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
