namespace BoostedGrains.Keys;

/// <summary>
/// The pure rules of the key timeline over a <see cref="KeyRingState"/>: when keys are due, which key signs, what is
/// published. All instants come from the caller, so the rules are the same in the grain and in tests.
/// </summary>
/// <remarks>
/// Invariants: a new key signs only after it has been published for the propagation time, except the very first key
/// of a ring (nobody can have cached a JWKS without it, as the JWKS endpoint answers 503 until keys are loaded) and an
/// operator's rotation when no key can sign at all. The newest live key is never retired or removed before a successor
/// is eligible, so a cluster that was down past a retirement resumes with its old, still published key. Where a public
/// URL is watched (<see cref="PublicSightingRule"/>), a new key also signs only once that URL served it long enough;
/// until then the key that signed last keeps signing while it is published.
/// </remarks>
internal sealed class KeyTimeline(KeyRingState state, KeyRingOptions options, PublicSightingRule? sighting = null)
{
    private readonly PublicSightingRule _sighting = sighting ?? PublicSightingRule.None;
    // A key kept signing past its retirement must stop while assertions it signed can still verify before it is removed.
    private readonly TimeSpan _holdOverMargin = options.RefreshInterval + AssertionSigner.LongestLife;

    private readonly TimeSpan _propagation = options.PropagationTime;
    private readonly TimeSpan _rotation = options.RotationInterval;
    private readonly TimeSpan _retention = options.RetentionTime;

    /// <summary>The state the rules act on.</summary>
    public KeyRingState State => state;

    /// <summary>What new key the schedule calls for at <paramref name="now"/>.</summary>
    public KeyNeed GetKeyNeed(DateTimeOffset now)
    {
        if (!state.EverPublished)
        {
            return KeyNeed.Bootstrap;
        }
        var newest = Newest();
        if (newest is null)
        {
            return KeyNeed.Replacement;
        }
        return now >= SuccessorDueAt(newest) ? KeyNeed.Successor : KeyNeed.None;
    }

    /// <summary>
    /// Adds a key the schedule called for: immediately eligible only at bootstrap. The bootstrap key needs no public
    /// sighting either: nothing could sign before it, and the start-up check reports what the public URL serves.
    /// </summary>
    public void AddScheduled(KeyRecord key, KeyNeed need, DateTimeOffset now) =>
        Add(key, now, need == KeyNeed.Bootstrap ? now : now + _propagation, confirmed: need == KeyNeed.Bootstrap);

    /// <summary>
    /// Adds an operator's rotation: it signs after propagating and the current keys retire then; when no key can sign
    /// at all it signs at once (verifiers that cached the JWKS reject it until they refetch, which beats days of nothing).
    /// Either way it waits for the public URL unless <paramref name="force"/>d.
    /// </summary>
    public void AddRotation(KeyRecord key, DateTimeOffset now, bool force = false) =>
        Add(key, now, !state.EverPublished || SelectSigner(now) is null ? now : now + _propagation, confirmed: force || !state.EverPublished);

    /// <summary>
    /// Adds a key Boosted already has (imported): eligible at once, it signs once the public URL serves it (at once when
    /// <paramref name="force"/>d, or as the first key of a ring, like a bootstrap key).
    /// </summary>
    public void AddImported(KeyRecord key, DateTimeOffset now, bool force = false)
    {
        Add(key, now, now, confirmed: force || !state.EverPublished);
        state.ImportedKids.Add(key.Kid);
    }

    /// <summary>Revokes <paramref name="kid"/>: unpublished at once, its private key dropped. False when unknown or already revoked.</summary>
    public bool Revoke(string kid, DateTimeOffset now)
    {
        var key = state.Keys.Find(k => k.Kid == kid);
        if (key is null || !key.IsLive)
        {
            return false;
        }
        key.RevokedAt = now;
        key.PrivateKey = null;
        return true;
    }

    /// <summary>True when <see cref="Prune"/> would remove a key.</summary>
    public bool CanPrune(DateTimeOffset now)
    {
        var newest = Newest();
        return state.Keys.Exists(k => k.RemovesAt <= now && k != newest);
    }

    /// <summary>Removes keys past their removal time (never the newest live key). True when something was removed.</summary>
    public bool Prune(DateTimeOffset now)
    {
        var newest = Newest();
        return state.Keys.RemoveAll(k => k.RemovesAt <= now && k != newest) > 0;
    }

    /// <summary>
    /// The key to sign with: the oldest eligible, confirmed, unretired, live key. While a due key awaits the public URL,
    /// the newest key that had a signing period holds over, until shortly before its removal.
    /// </summary>
    public KeyRecord? SelectSigner(DateTimeOffset now)
    {
        var usable = state.Keys.Where(k => k.IsLive && k.PrivateKey is not null && k.EligibleAt <= now && _sighting.IsConfirmed(k)).ToList();
        var signer = usable.Where(k => now < k.RetiresAt)
            .OrderBy(k => k.CreatedAt).ThenBy(k => k.Kid, StringComparer.Ordinal)
            .FirstOrDefault();
        if (signer is not null || !AnyAwaitingPublicUrl(now))
            return signer;
        return usable.Where(k => k.RetiresAt > k.EligibleAt && now < k.RemovesAt - _holdOverMargin)
            .OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Kid, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>
    /// Applies one look at the public URL: <paramref name="servedKids"/> are the kids it served at <paramref name="at"/>.
    /// True when the change must be persisted now (see <see cref="PublicSightingRule.Observe"/>).
    /// </summary>
    public bool ObservePublicUrl(IReadOnlyCollection<string> servedKids, DateTimeOffset at)
    {
        var changed = false;
        foreach (var key in state.Keys.Where(k => k.IsLive))
            changed |= _sighting.Observe(key, servedKids.Contains(key.Kid), at);
        return changed;
    }

    /// <summary>The keys the JWKS carries, oldest first.</summary>
    public IReadOnlyList<KeyRecord> Published(DateTimeOffset now)
    {
        var newest = Newest();
        return state.Keys
            .Where(k => k.IsLive && (now < k.RemovesAt || k == newest))
            .OrderBy(k => k.CreatedAt).ThenBy(k => k.Kid, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The next instant at which anything changes; <paramref name="now"/> itself when a key is due already.</summary>
    public DateTimeOffset? NextTransition(DateTimeOffset now)
    {
        if (GetKeyNeed(now) != KeyNeed.None)
        {
            return now;
        }
        var instants = state.Keys.Where(k => k.IsLive).SelectMany(k => new[] { k.EligibleAt, k.RetiresAt, k.RemovesAt - _holdOverMargin, k.RemovesAt });
        if (Newest() is { } newest)
        {
            instants = instants.Append(SuccessorDueAt(newest));
        }
        return instants.Where(t => t > now).Select(t => (DateTimeOffset?)t).Min();
    }

    /// <summary>Where <paramref name="key"/> stands at <paramref name="now"/>.</summary>
    public KeyStatus StatusOf(KeyRecord key, DateTimeOffset now) =>
        !key.IsLive ? KeyStatus.Revoked
        : key == SelectSigner(now) ? KeyStatus.Signing
        // A key an operator's rotation overtook before it could sign never will: it is retired already.
        : now >= key.RetiresAt || key.RetiresAt <= key.EligibleAt ? KeyStatus.Retired
        : now < key.EligibleAt ? KeyStatus.Propagating
        : IsAwaitingPublicUrl(key, now) ? KeyStatus.AwaitingPublicUrl
        : KeyStatus.Eligible;

    /// <summary>What silos cache.</summary>
    public KeyRingSnapshot CreateSnapshot(DateTimeOffset now)
    {
        var signer = SelectSigner(now);
        return new KeyRingSnapshot
        {
            PublishedKeys = Published(now).Select(k => k.PublicKey).ToList(),
            Signer = signer is null ? null : new ProtectedSigningKey { Kid = signer.Kid, Algorithm = signer.Algorithm, PrivateKey = signer.PrivateKey!, CreatedAt = signer.CreatedAt },
            NextTransitionAt = NextTransition(now),
            NextEligibleAt = state.Keys.Where(k => k.IsLive && k.EligibleAt > now).Select(k => (DateTimeOffset?)k.EligibleAt).Min(),
        };
    }

    /// <summary>The operator's list, oldest first.</summary>
    public IReadOnlyList<KeyInfo> List(DateTimeOffset now) => state.Keys
        .OrderBy(k => k.CreatedAt).ThenBy(k => k.Kid, StringComparer.Ordinal)
        .Select(k => new KeyInfo(k.Kid, k.Algorithm, StatusOf(k, now), k.CreatedAt, k.EligibleAt, k.RetiresAt, k.RemovesAt, k.RevokedAt, k.PubliclySeenAt))
        .ToList();

    private bool IsAwaitingPublicUrl(KeyRecord key, DateTimeOffset now) =>
        key.IsLive && key.PrivateKey is not null && key.EligibleAt <= now && now < key.RetiresAt && !_sighting.IsConfirmed(key);

    private bool AnyAwaitingPublicUrl(DateTimeOffset now) => state.Keys.Exists(k => IsAwaitingPublicUrl(k, now));

    private void Add(KeyRecord key, DateTimeOffset now, DateTimeOffset eligibleAt, bool confirmed)
    {
        var previousNewest = Newest();
        // Older keys hand over exactly when the new key may sign: a late successor extends its predecessor (no gap
        // without a signer), and an operator's rotation shortens the current key's life.
        foreach (var older in state.Keys.Where(k => k.IsLive && (now < k.RetiresAt || k == previousNewest)))
        {
            older.RetiresAt = older.EligibleAt > eligibleAt ? older.EligibleAt : eligibleAt;
            older.RemovesAt = older.RetiresAt + _retention;
        }
        key.CreatedAt = now;
        key.EligibleAt = eligibleAt;
        key.RetiresAt = eligibleAt + _rotation;
        key.RemovesAt = key.RetiresAt + _retention;
        key.AwaitsPublicUrl = _sighting.Required && !confirmed;
        state.Keys.Add(key);
        state.EverPublished = true;
    }

    private KeyRecord? Newest() => state.Keys.Where(k => k.IsLive)
        .OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Kid, StringComparer.Ordinal)
        .FirstOrDefault();

    private DateTimeOffset SuccessorDueAt(KeyRecord newest) => newest.RetiresAt - _propagation;
}
