namespace BoostedGrains.Keys;

/// <summary>A private key in the ring cannot be decrypted with the configured KEK. Nothing in the ring is changed.</summary>
[GenerateSerializer]
public sealed class KeyEncryptionKeyMismatchException(string message) : InvalidOperationException(message);
