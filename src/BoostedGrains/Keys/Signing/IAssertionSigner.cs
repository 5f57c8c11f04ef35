namespace BoostedGrains.Keys;

/// <summary>Signs the JWT assertions that are exchanged for Boosted tokens (docs/boosted-api.md §2), with this silo's current key.</summary>
public interface IAssertionSigner
{
    /// <summary>
    /// A fresh assertion for <paramref name="subject"/>: <c>iss</c> the client ID, <c>aud</c> the audience, a unique
    /// <c>jti</c>, <c>exp</c> at most 300 s after <c>iat</c>, signed with the oldest eligible key.
    /// </summary>
    ValueTask<string> CreateAssertionAsync(string subject, CancellationToken cancellationToken = default);
}
