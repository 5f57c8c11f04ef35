using System.Text.Json.Serialization;

namespace BoostedGrains.Silo.Gateway;

/// <summary>What <c>POST /v1/users/{userId}/token</c> answers.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_at")] string ExpiresAt,
    [property: JsonPropertyName("scope")] string Scope);
