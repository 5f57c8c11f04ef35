namespace BoostedGrains.Keys;

/// <summary>The current signing key as handed to silos: still encrypted, so it never crosses the wire in clear.</summary>
[GenerateSerializer, Immutable]
public sealed class ProtectedSigningKey
{
    /// <summary>The key ID.</summary>
    [Id(0)] public required string Kid { get; init; }

    /// <summary>The signing algorithm.</summary>
    [Id(1)] public required KeyAlgorithm Algorithm { get; init; }

    /// <summary>The encrypted PKCS#8 private key.</summary>
    [Id(2)] public required ProtectedKey PrivateKey { get; init; }

    /// <summary>When the key was created (for the active-key-age metric).</summary>
    [Id(3)] public DateTimeOffset CreatedAt { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"ProtectedSigningKey {Kid} ({Algorithm})";
}
