namespace BoostedGrains.Keys;

/// <summary>What each silo caches from the ring: the published public keys, the current signing key, and when to look again.</summary>
[GenerateSerializer, Immutable]
public sealed class KeyRingSnapshot
{
    /// <summary>The public keys to publish (not revoked, not removed), oldest first.</summary>
    [Id(1)] public required IReadOnlyList<PublicJwk> PublishedKeys { get; init; }

    /// <summary>The key to sign with, or null when no key is eligible.</summary>
    [Id(2)] public ProtectedSigningKey? Signer { get; init; }

    /// <summary>The next instant at which the snapshot changes (a key becomes eligible, retires, is removed, or a successor is due).</summary>
    [Id(3)] public DateTimeOffset? NextTransitionAt { get; init; }

    /// <summary>When the earliest key that is still propagating may sign; tells callers how long "no signing key" lasts.</summary>
    [Id(4)] public DateTimeOffset? NextEligibleAt { get; init; }
}
