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
    private readonly KekSet _keks;

    /// <summary>Reads the KEKs from options; logs a warning once per process when none is configured.</summary>
    public AesGcmPrivateKeyProtector(IOptions<KeyRingOptions> options, ILogger<AesGcmPrivateKeyProtector> logger)
    {
        _keks = new KekSet(options.Value, logger);
    }

    /// <inheritdoc />
    public ProtectedKey Protect(ReadOnlySpan<byte> plaintext, string keyId) => new()
    {
        KekId = _keks.CurrentId,
        Data = AesGcmEnvelope.Seal(_keks.CurrentSubKey(KekPurpose.PrivateKey), plaintext, AssociatedData(CurrentFormat, _keks.CurrentId, keyId)),
        Format = CurrentFormat,
    };

    /// <inheritdoc />
    public byte[] Unprotect(ProtectedKey protectedKey, string keyId)
    {
        var kek = (protectedKey.Format == CurrentFormat ? _keks.FindSubKey(protectedKey.KekId, KekPurpose.PrivateKey) : _keks.Find(protectedKey.KekId)) ?? throw new KeyEncryptionKeyMismatchException(
            $"Signing key {keyId} was encrypted with KEK '{protectedKey.KekId}', which does not match the configured KEK "
            + $"'{_keks.CurrentId}': set KeyRing__Kek__Id and KeyRing__Kek__Key (or add it under KeyRing__PreviousKeks) to the KEK the ring was written with.");
        return AesGcmEnvelope.TryOpen(kek, protectedKey.Data, AssociatedData(protectedKey.Format, protectedKey.KekId, keyId))
            ?? throw new KeyEncryptionKeyMismatchException(
                $"Signing key {keyId} cannot be decrypted: the key configured as KEK '{protectedKey.KekId}' does not match the one it was "
                + "encrypted with (or the data was altered). Check KeyRing__Kek__Key (and KeyRing__PreviousKeks).");
    }

    /// <inheritdoc />
    public override string ToString() => $"AesGcmPrivateKeyProtector(kek {_keks.CurrentId})";

    // Sealed under the KEK's private-key sub-key with length-prefixed associated data; format 0 (the KEK itself, a
    // newline-joined pair) is still read.
    private const int CurrentFormat = 1;

    // Binding the ciphertext to its kid stops one key's ciphertext from being swapped in for another's.
    private static byte[] AssociatedData(int format, string kekId, string keyId) => format == CurrentFormat
        ? LengthPrefixed.Encode("private-key", kekId, keyId)
        : Encoding.UTF8.GetBytes($"{kekId}\n{keyId}");
}
