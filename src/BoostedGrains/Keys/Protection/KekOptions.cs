namespace BoostedGrains.Keys;

/// <summary>A key-encryption key that protects the ring's private keys at rest (<c>KeyRing__Kek__Id</c>, <c>KeyRing__Kek__Key</c>).</summary>
public sealed class KekOptions
{
    /// <summary>A name for the KEK, stored next to every ciphertext so the KEK can be rotated.</summary>
    public string? Id { get; set; }

    /// <summary>The KEK itself: 32 random bytes, base64. Never logged.</summary>
    public string? Key { get; set; }

    /// <summary>True when both the ID and the key are given.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Id) && !string.IsNullOrWhiteSpace(Key);

    /// <inheritdoc />
    public override string ToString() => $"Kek {Id ?? "(none)"}";
}
