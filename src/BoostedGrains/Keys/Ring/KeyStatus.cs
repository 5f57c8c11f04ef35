namespace BoostedGrains.Keys;

/// <summary>Where a key stands in its timeline at a given instant.</summary>
public enum KeyStatus
{
    /// <summary>Published, still propagating: not yet allowed to sign.</summary>
    Propagating,

    /// <summary>The key the cluster signs with (the oldest eligible one).</summary>
    Signing,

    /// <summary>Eligible, standing by behind an older eligible key.</summary>
    Eligible,

    /// <summary>No longer signs; still published until its removal.</summary>
    Retired,

    /// <summary>Revoked by an operator: unpublished, never signs.</summary>
    Revoked,

    /// <summary>Due to sign, but the public URL has not served it long enough: the current key keeps signing.</summary>
    AwaitingPublicUrl,
}
