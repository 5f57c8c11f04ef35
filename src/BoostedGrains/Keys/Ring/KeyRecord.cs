namespace BoostedGrains.Keys;

/// <summary>One key of the ring with its timeline, as persisted. The private half is only held encrypted.</summary>
[GenerateSerializer]
public sealed class KeyRecord
{
    /// <summary>The key ID (RFC 7638 thumbprint).</summary>
    [Id(0)] public required string Kid { get; init; }

    /// <summary>The signing algorithm.</summary>
    [Id(1)] public required KeyAlgorithm Algorithm { get; init; }

    /// <summary>What the JWKS publishes.</summary>
    [Id(2)] public required PublicJwk PublicKey { get; init; }

    /// <summary>The encrypted PKCS#8 private key; dropped when the key is revoked.</summary>
    [Id(3)] public ProtectedKey? PrivateKey { get; set; }

    /// <summary>When the key was created and published.</summary>
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>From when it may sign (created + propagation time, except at bootstrap or an operator's emergency rotation).</summary>
    [Id(5)] public DateTimeOffset EligibleAt { get; set; }

    /// <summary>From when it no longer signs (it stays published).</summary>
    [Id(6)] public DateTimeOffset RetiresAt { get; set; }

    /// <summary>When it leaves the JWKS and the ring.</summary>
    [Id(7)] public DateTimeOffset RemovesAt { get; set; }

    /// <summary>When an operator revoked it: it left the JWKS at once and never signs again.</summary>
    [Id(8)] public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>When the public URL (<c>Jwks__PublicUrl</c>) was last seen serving this key; null when never.</summary>
    [Id(9)] public DateTimeOffset? PubliclySeenAt { get; set; }

    /// <summary>Since when the public URL has served it without a break; null while it does not.</summary>
    [Id(10)] public DateTimeOffset? PublicRunSince { get; set; }

    /// <summary>True until the public URL has served it long enough; false when the check was waived (bootstrap, forced, no public URL watched).</summary>
    [Id(11)] public bool AwaitsPublicUrl { get; set; }

    /// <summary>Not revoked.</summary>
    public bool IsLive => RevokedAt is null;

    /// <inheritdoc />
    public override string ToString() => $"Key {Kid} ({Algorithm}) eligible {EligibleAt:O} retires {RetiresAt:O}{(IsLive ? "" : " revoked")}";
}
