using BoostedGrains.Security;

namespace BoostedGrains.Keys;

/// <summary>
/// The cluster's one key ring (key <see cref="KeyRingGrainFactoryExtensions.DefaultKey"/>). Silos read it every
/// refresh interval and cache what they need; nothing calls it per exchange. Silo callers only.
/// </summary>
[SiloCallersOnly]
public interface IKeyRingGrain : IGrainWithStringKey
{
    /// <summary>Advances the timeline and returns what silos cache: published keys, the (encrypted) signing key, the next transition.</summary>
    Task<KeyRingSnapshot> GetSnapshotAsync();

    /// <summary>
    /// Creates a new key now; it signs after propagating (at once only when no key can sign) and once the public URL
    /// served it, unless <paramref name="force"/> waives the public URL; the current key retires then.
    /// </summary>
    Task<KeyInfo> RotateNowAsync(bool force = false);

    /// <summary>Revokes a key: it leaves the JWKS at once and never signs again; a replacement is published if needed. False when unknown or already revoked.</summary>
    Task<bool> RevokeAsync(string kid);

    /// <summary>
    /// Adds a key Boosted already has (made by <c>KeyRing__Import__*</c> at silo start): it signs as soon as the public
    /// URL serves it (at once when <paramref name="force"/>d). False when the kid was imported before (an import is
    /// applied once); <see cref="KeyImportException"/> when the kid is taken.
    /// </summary>
    Task<bool> ImportAsync(KeyRecord key, bool force = false);

    /// <summary>Records one look at <c>Jwks__PublicUrl</c>: the kids it served now. Returns every key, as <see cref="ListKeysAsync"/>.</summary>
    Task<IReadOnlyList<KeyInfo>> ReportPublicUrlAsync(IReadOnlyList<string> servedKids);

    /// <summary>Every key with its timeline, public data only.</summary>
    Task<IReadOnlyList<KeyInfo>> ListKeysAsync();
}
