using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Keys;

/// <summary>
/// <see cref="IPrivateKeyProtector"/> with AES-256-GCM under the KEK from <c>KeyRing__Kek</c>. Without one it uses an
/// ephemeral KEK shared by the whole process: enough for in-memory storage, useless for storage that outlives it.
/// </summary>
public sealed class AesGcmPrivateKeyProtector : IPrivateKeyProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    // Shared per process so that several silos in one process (tests, embedded mode) read each other's keys.
    private static readonly Lazy<(string Id, byte[] Key)> Ephemeral =
        new(() => ($"ephemeral-{Guid.NewGuid():N}", RandomNumberGenerator.GetBytes(KekBytes.Length)));
    private static int _warned;

    private readonly string _currentId;
    private readonly Dictionary<string, byte[]> _keks = new(StringComparer.Ordinal);

    /// <summary>Reads the KEKs from options; logs a warning once per process when none is configured.</summary>
    public AesGcmPrivateKeyProtector(IOptions<KeyRingOptions> options, ILogger<AesGcmPrivateKeyProtector> logger)
    {
        var value = options.Value;
        foreach (var previous in value.PreviousKeks.Where(k => k.IsConfigured))
        {
            _keks[previous.Id!] = Decode(previous, "KeyRing__PreviousKeks");
        }
        if (value.Kek.IsConfigured)
        {
            _currentId = value.Kek.Id!;
            _keks[_currentId] = Decode(value.Kek, "KeyRing__Kek__Key");
        }
        else
        {
            (_currentId, var key) = Ephemeral.Value;
            _keks[_currentId] = key;
            if (Interlocked.Exchange(ref _warned, 1) == 0)
            {
                logger.LogWarning("No KeyRing__Kek__Id/KeyRing__Kek__Key configured: signing keys are encrypted with an "
                    + "ephemeral KEK that dies with this process. Fine with in-memory storage; configure a KEK for persistent storage.");
            }
        }
    }

    /// <inheritdoc />
    public ProtectedKey Protect(ReadOnlySpan<byte> plaintext, string keyId)
    {
        var data = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = data.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keks[_currentId], TagSize);
        aes.Encrypt(nonce, plaintext, data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), AssociatedData(_currentId, keyId));
        return new ProtectedKey { KekId = _currentId, Data = data };
    }

    /// <inheritdoc />
    public byte[] Unprotect(ProtectedKey protectedKey, string keyId)
    {
        if (!_keks.TryGetValue(protectedKey.KekId, out var kek))
        {
            throw new KeyEncryptionKeyMismatchException(
                $"Signing key {keyId} was encrypted with KEK '{protectedKey.KekId}', which does not match the configured KEK "
                + $"'{_currentId}': set KeyRing__Kek__Id and KeyRing__Kek__Key (or add it under KeyRing__PreviousKeks) to the KEK the ring was written with.");
        }
        var data = protectedKey.Data;
        if (data.Length < NonceSize + TagSize)
        {
            throw Mismatch(protectedKey.KekId, keyId);
        }
        var plaintext = new byte[data.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(kek, TagSize);
            aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plaintext, AssociatedData(protectedKey.KekId, keyId));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Mismatch(protectedKey.KekId, keyId);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"AesGcmPrivateKeyProtector(kek {_currentId})";

    private static KeyEncryptionKeyMismatchException Mismatch(string kekId, string keyId) => new(
        $"Signing key {keyId} cannot be decrypted: the key configured as KEK '{kekId}' does not match the one it was "
        + "encrypted with (or the data was altered). Check KeyRing__Kek__Key (and KeyRing__PreviousKeks).");

    // Binding the ciphertext to its kid stops one key's ciphertext from being swapped in for another's.
    private static byte[] AssociatedData(string kekId, string keyId) => Encoding.UTF8.GetBytes($"{kekId}\n{keyId}");

    private static byte[] Decode(KekOptions kek, string setting) => KekBytes.TryDecode(kek.Key!)
        ?? throw new InvalidOperationException($"{setting} must be 32 bytes in base64.");
}
