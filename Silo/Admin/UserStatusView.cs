using System.Text.Json.Serialization;
using BoostedGrains.Tokens;

namespace BoostedGrains.Silo.Admin;

/// <summary>A user as the admin API shows it. There is no token field: the grain's status never carries one.</summary>
public sealed record UserStatusView(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("provisioned")] bool Provisioned,
    [property: JsonPropertyName("boosted_user_id")] string? BoostedUserId,
    [property: JsonPropertyName("workspace")] string? Workspace,
    [property: JsonPropertyName("token_expires_at")] DateTimeOffset? TokenExpiresAt,
    [property: JsonPropertyName("last_renewal")] DateTimeOffset? LastRenewal,
    [property: JsonPropertyName("last_error")] string? LastError)
{
    /// <summary>The view of <paramref name="status"/>.</summary>
    public static UserStatusView From(UserTokenStatus status) => new(status.UserId, status.Provisioned, status.BoostedUserId,
        status.Workspace, status.ExpiresAt, status.LastRenewal, status.LastError);
}
