namespace BoostedGrains.Keys;

/// <summary>The persisted key ring.</summary>
[GenerateSerializer]
public sealed class KeyRingState
{
    /// <summary>Every key that is still published or still listed for operators.</summary>
    [Id(0)] public List<KeyRecord> Keys { get; set; } = [];

    /// <summary>Set once the first key was published; afterwards no new key may sign before it has propagated.</summary>
    [Id(1)] public bool EverPublished { get; set; }

    // [Id(2)] held a change counter nothing read: not to be reused.

    /// <summary>Every kid ever imported: an import is applied once, so a silo restarted with the same import settings never revives a retired key.</summary>
    [Id(3)] public List<string> ImportedKids { get; set; } = [];

    /// <summary>Which KEK sealed <see cref="Seal"/>.</summary>
    [Id(4)] public string? SealKekId { get; set; }

    /// <summary>HMAC over every key's public half, private-key ciphertext and timeline, and the imported kids (docs/security.md, "Storage identity").</summary>
    [Id(5)] public byte[]? Seal { get; set; }
}
