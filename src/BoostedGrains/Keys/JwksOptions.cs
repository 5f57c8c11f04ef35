namespace BoostedGrains.Keys;

/// <summary>Where the JWKS is published (configuration section <c>Jwks</c>).</summary>
public sealed class JwksOptions
{
    public const string SectionName = "Jwks";

    /// <summary><c>Jwks__PublicUrl</c>: the <c>jwks_uri</c> Boosted was given.</summary>
    public Uri? PublicUrl { get; set; }
}
