namespace BoostedGrains.Keys;

/// <summary>A private key encrypted at rest: the ciphertext and the ID of the KEK that encrypted it.</summary>
[GenerateSerializer, Immutable]
public sealed class ProtectedKey
{
    /// <summary>Which KEK encrypted <see cref="Data"/> (<c>KeyRing__Kek__Id</c> at the time).</summary>
    [Id(0)] public required string KekId { get; init; }

    /// <summary>AES-GCM nonce, tag and ciphertext of the PKCS#8 private key.</summary>
    [Id(1)] public required byte[] Data { get; init; }

    /// <summary>How <see cref="Data"/> was sealed: 1 under the KEK's private-key sub-key; 0 (written by earlier versions) under the KEK itself.</summary>
    [Id(2)] public int Format { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"ProtectedKey(kek {KekId}, {Data.Length} bytes)";
}
