namespace BoostedGrains.Keys;

/// <summary>Which new key, if any, the ring's schedule calls for.</summary>
internal enum KeyNeed
{
    /// <summary>The ring is fine as it is.</summary>
    None,

    /// <summary>The ring never published a key: the first one may sign at once, as no verifier can hold a JWKS without it.</summary>
    Bootstrap,

    /// <summary>The newest key retires within the propagation time: its successor must be published now.</summary>
    Successor,

    /// <summary>Every key was revoked: a replacement must be published (it signs after propagating).</summary>
    Replacement,
}
