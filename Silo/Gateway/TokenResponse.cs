using System.Globalization;
using System.Text.Json.Serialization;
using BoostedGrains.Tokens;

namespace BoostedGrains.Silo.Gateway;

/// <summary>What <c>POST /v1/users/{userId}/token</c> answers. Every field is culture-invariant.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("expires_at")] string ExpiresAt,
    [property: JsonPropertyName("scope")] string Scope)
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
