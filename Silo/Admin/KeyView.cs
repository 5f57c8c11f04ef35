using System.Text.Json.Serialization;
using BoostedGrains.Keys;

namespace BoostedGrains.Silo.Admin;

/// <summary>One key as the admin API shows it: public data and timeline only.</summary>
public sealed record KeyView(
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("eligible_at")] DateTimeOffset EligibleAt,
    [property: JsonPropertyName("retires_at")] DateTimeOffset RetiresAt,
    [property: JsonPropertyName("removes_at")] DateTimeOffset RemovesAt,
    [property: JsonPropertyName("revoked_at")] DateTimeOffset? RevokedAt,
    [property: JsonPropertyName("publicly_seen_at")] DateTimeOffset? PubliclySeenAt)
{
    /// <summary>The view of <paramref name="key"/>.</summary>
    public static KeyView From(KeyInfo key) => new(key.Kid, key.Algorithm.ToString(), key.Status.ToString(),
        key.CreatedAt, key.EligibleAt, key.RetiresAt, key.RemovesAt, key.RevokedAt, key.PubliclySeenAt);
}
