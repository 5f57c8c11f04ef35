using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Serialization;
using BoostedGrains.Tokens;

namespace BoostedGrains.Silo.Gateway;

/// <summary>What <c>POST /v1/users/{userId}/token</c> answers. Every field is culture-invariant.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token"), Description("The Boosted access token to send as 'Authorization: Bearer <token>'.")] string AccessToken,
    [property: JsonPropertyName("token_type"), Description("Always Bearer.")] string TokenType,
    [property: JsonPropertyName("expires_in"), Description("Whole seconds until the token expires, rounded down.")] long ExpiresIn,
    [property: JsonPropertyName("expires_at"), Description("When the token expires: ISO 8601 UTC to the second (yyyy-MM-ddTHH:mm:ssZ).")] string ExpiresAt,
    [property: JsonPropertyName("scope"), Description("The Boosted scope the token carries.")] string Scope)
{
    /// <summary>The answer for <paramref name="token"/> at <paramref name="now"/>: <c>expires_in</c> in whole seconds, rounded down.</summary>
    public static TokenResponse From(AccessToken token, DateTimeOffset now) => new(
        token.Value,
        token.TokenType,
        Math.Max(0, (long)(token.ExpiresAt - now).TotalSeconds),
        // ISO 8601 UTC: in a format pattern ':' is the culture's time separator ('.' under fi-FI) unless quoted.
        token.ExpiresAt.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture),
        token.Scope);
}
