namespace BoostedGrains.Keys;

/// <summary>What one look at the public JWKS URL found: the kids it served, or why it could not be read.</summary>
/// <param name="ServedKids">
/// The kids of this silo's JWKS that the URL served with the same key material (from the HTTP cache while the last
/// response is fresh); null when unreachable.
/// </param>
/// <param name="Problem">Why the URL could not be read (HTTP status, network error, not a JWKS, too large); null when it was.</param>
/// <param name="At">When the look was taken.</param>
public sealed record PublicJwksLook(IReadOnlyList<string>? ServedKids, string? Problem, DateTimeOffset At)
{
    /// <summary>True when the URL answered with a JWKS.</summary>
    public bool Reachable => ServedKids is not null;

    /// <summary>Kids of this silo's JWKS that the URL served with other key material (another thumbprint): not ours.</summary>
    public IReadOnlyList<string> MismatchedKids { get; init; } = [];

    /// <summary>Kids the URL served that this silo's JWKS does not hold.</summary>
    public IReadOnlyList<string> OtherKids { get; init; } = [];
}
