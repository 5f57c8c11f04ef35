namespace BoostedGrains.Keys;

/// <summary>
/// The pure rule for "the public URL served this key, continuously, for long enough": each look at the public URL is
/// applied to every key; a look that lacks the key, or no look for longer than <see cref="MaxGap"/>, starts the run
/// again. Once a run reached <see cref="RequiredRun"/> the key is confirmed for good: a key that signs never stops
/// because the public URL broke later (that is a warning, not a reason to sign with nothing).
/// </summary>
/// <param name="Required">False when no public URL is watched: every key counts as confirmed.</param>
/// <param name="RequiredRun">How long the public URL must have served a key without a break.</param>
/// <param name="MaxGap">The longest time between two looks that still counts as continuous.</param>
internal sealed record PublicSightingRule(bool Required, TimeSpan RequiredRun, TimeSpan MaxGap)
{
    /// <summary>No public URL watched.</summary>
    public static readonly PublicSightingRule None = new(false, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>The rule the settings call for: looks every VerifyInterval, a run of PropagationTime × RequiredSeenFraction.</summary>
    public static PublicSightingRule From(JwksOptions jwks, KeyRingOptions ring) =>
        jwks.PublicUrl is null ? None
        // Three intervals: one slow or failed look does not restart the run, two in a row do. At least MinGap, so that
        // a look delayed by a busy machine (short intervals) does not count as the URL having stopped serving.
        : new(true, ring.PropagationTime * jwks.RequiredSeenFraction, TimeSpan.FromTicks(Math.Max(jwks.VerifyInterval.Ticks * 3, MinGap.Ticks)));

    /// <summary>The shortest <see cref="MaxGap"/>, whatever the look interval.</summary>
    public static readonly TimeSpan MinGap = TimeSpan.FromSeconds(5);

    /// <summary>True when <paramref name="key"/> may sign as far as the public URL is concerned.</summary>
    public bool IsConfirmed(KeyRecord key) => !Required || !key.AwaitsPublicUrl;

    /// <summary>
    /// Applies one look at <paramref name="at"/>: <paramref name="served"/> says whether the public URL carried the key.
    /// True when a key that awaits the public URL started or lost its run, or was confirmed: only that must be
    /// persisted at once (a later <see cref="KeyRecord.PubliclySeenAt"/> is written with the next change).
    /// </summary>
    public bool Observe(KeyRecord key, bool served, DateTimeOffset at)
    {
        var (awaited, since) = (key.AwaitsPublicUrl, key.PublicRunSince);
        if (!served)
        {
            key.PublicRunSince = null;
        }
        else
        {
            if (key.PublicRunSince is null || key.PubliclySeenAt is not { } last || at - last > MaxGap)
                key.PublicRunSince = at;
            if (key.PubliclySeenAt is null || at > key.PubliclySeenAt)
                key.PubliclySeenAt = at;
            if (at - key.PublicRunSince >= RequiredRun)
                key.AwaitsPublicUrl = false;
        }
        return awaited && (key.AwaitsPublicUrl != awaited || key.PublicRunSince != since);
    }
}
