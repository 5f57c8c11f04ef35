namespace BoostedGrains.Keys;

/// <summary>Where the JWKS is published and how the public URL is watched (configuration section <c>Jwks</c>).</summary>
public sealed class JwksOptions
{
    public const string SectionName = "Jwks";

    /// <summary><c>Jwks__PublicUrl</c>: the <c>jwks_uri</c> Boosted was given. Set: every silo watches it and new keys sign only once it served them.</summary>
    public Uri? PublicUrl { get; set; }

    /// <summary><c>Jwks__VerifyInterval</c>: how often each silo looks at the public URL, honouring its caching headers (default 2 minutes).</summary>
    public TimeSpan VerifyInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// <c>Jwks__RequiredSeenFraction</c>: the part of <c>KeyRing__PropagationTime</c> for which the public URL must have
    /// served a new key without a break before it may sign (default 0.9: the public URL's own delay, a refresh plus
    /// one max-age, may eat a tenth of the propagation time before the hand-over is held back).
    /// </summary>
    public double RequiredSeenFraction { get; set; } = 0.9;
}
