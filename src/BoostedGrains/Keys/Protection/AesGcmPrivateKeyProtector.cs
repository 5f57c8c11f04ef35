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
        Data = AesGcmEnvelope.Seal(_keks.Current, plaintext, AssociatedData(_keks.CurrentId, keyId)),
    };

    /// <inheritdoc />
    public byte[] Unprotect(ProtectedKey protectedKey, string keyId)
    {
        var kek = _keks.Find(protectedKey.KekId) ?? throw new KeyEncryptionKeyMismatchException(
            $"Signing key {keyId} was encrypted with KEK '{protectedKey.KekId}', which does not match the configured KEK "
            + $"'{_keks.CurrentId}': set KeyRing__Kek__Id and KeyRing__Kek__Key (or add it under KeyRing__PreviousKeks) to the KEK the ring was written with.");
        return AesGcmEnvelope.TryOpen(kek, protectedKey.Data, AssociatedData(protectedKey.KekId, keyId))
            ?? throw new KeyEncryptionKeyMismatchException(
                $"Signing key {keyId} cannot be decrypted: the key configured as KEK '{protectedKey.KekId}' does not match the one it was "
                + "encrypted with (or the data was altered). Check KeyRing__Kek__Key (and KeyRing__PreviousKeks).");
    }

    /// <inheritdoc />
    public override string ToString() => $"AesGcmPrivateKeyProtector(kek {_keks.CurrentId})";

    // Binding the ciphertext to its kid stops one key's ciphertext from being swapped in for another's.
    private static byte[] AssociatedData(string kekId, string keyId) => Encoding.UTF8.GetBytes($"{kekId}\n{keyId}");
}
