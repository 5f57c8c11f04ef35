namespace BoostedGrains.Keys;

/// <summary>How signing keys are made and how their timeline runs (configuration section <c>KeyRing</c>).</summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "KeyRing";

    /// <summary><c>KeyRing__Algorithm</c>: RS256 (default, RSA) or ES256 (P-256).</summary>
    public KeyAlgorithm Algorithm { get; set; } = KeyAlgorithm.RS256;

    /// <summary><c>KeyRing__KeySize</c>: RSA modulus bits (default 2048); ignored for ES256.</summary>
    public int KeySize { get; set; } = 2048;

    /// <summary>
    /// <c>KeyRing__PropagationTime</c>: how long a new key is published before it signs. Must exceed the longest time
    /// a verifier caches the JWKS plus <see cref="RefreshInterval"/>, with margin; Boosted does not publish its cache
    /// time, hence the conservative default of 2 days.
    /// </summary>
    public TimeSpan PropagationTime { get; set; } = TimeSpan.FromDays(2);

    /// <summary><c>KeyRing__RotationInterval</c>: how long a key signs before it retires (default 30 days).</summary>
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary><c>KeyRing__RetentionTime</c>: how long a retired key stays published (default 7 days).</summary>
    public TimeSpan RetentionTime { get; set; } = TimeSpan.FromDays(7);

    /// <summary><c>KeyRing__RefreshInterval</c>: how often each silo re-reads the ring (default 1 minute); bounds revocation.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary><c>KeyRing__Kek__Id</c>, <c>KeyRing__Kek__Key</c>: the KEK new keys are protected with.</summary>
    public KekOptions Kek { get; set; } = new();

    /// <summary><c>KeyRing__PreviousKeks__0__Id</c>, ...: older KEKs, only to read keys protected before a KEK rotation.</summary>
    public List<KekOptions> PreviousKeks { get; set; } = [];

    /// <summary>
    /// <c>KeyRing__AllowEphemeral</c>: lets a silo that talks to a Boosted of its own choosing keep its key ring in
    /// memory. Each restart then signs with a new key that Boosted has not fetched yet (default false: refused at start).
    /// </summary>
    public bool AllowEphemeral { get; set; }

    /// <summary><c>KeyRing__Import__Pem</c> (or <c>__PemFile</c>) and <c>KeyRing__Import__Kid</c>: a key Boosted already knows, imported once and eligible at once.</summary>
    public KeyImportOptions Import { get; set; } = new();

    /// <summary>The JWKS <c>Cache-Control: max-age</c>: a quarter of the propagation time, at most 5 minutes.</summary>
    public TimeSpan JwksMaxAge
    {
        get
        {
            var quarter = PropagationTime / 4;
            var capped = quarter < TimeSpan.FromMinutes(5) ? quarter : TimeSpan.FromMinutes(5);
            return capped < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : capped;
        }
    }
}
