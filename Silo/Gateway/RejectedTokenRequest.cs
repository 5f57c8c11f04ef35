using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace BoostedGrains.Silo.Gateway;

/// <summary>The body of <c>POST /v1/users/{userId}/token/rejected</c>.</summary>
public sealed record RejectedTokenRequest(
    [property: JsonPropertyName("access_token_sha256"), RegularExpression("^[0-9a-fA-F]{64}$"),
        Description("The SHA-256 of the access token Boosted rejected, as 64 hex digits: the token itself is never sent back.")]
    string? AccessTokenSha256);
