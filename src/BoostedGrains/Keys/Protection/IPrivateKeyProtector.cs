namespace BoostedGrains.Keys;

/// <summary>Encrypts the ring's private keys at rest and decrypts them for signing.</summary>
public interface IPrivateKeyProtector
{
    /// <summary>Encrypts <paramref name="plaintext"/> with the current KEK, bound to <paramref name="keyId"/>.</summary>
    ProtectedKey Protect(ReadOnlySpan<byte> plaintext, string keyId);

    /// <summary>Decrypts a key protected for <paramref name="keyId"/>; throws <see cref="KeyEncryptionKeyMismatchException"/> when the KEK does not match.</summary>
    byte[] Unprotect(ProtectedKey protectedKey, string keyId);
}
