using System.Text.Json.Serialization;

namespace BoostedGrains.Silo.Gateway;

/// <summary>The body of <c>POST /v1/users/{userId}/token/rejected</c>.</summary>
public sealed record RejectedTokenRequest(
    [property: JsonPropertyName("access_token_sha256")] string? AccessTokenSha256);
