using System.Text.Json.Serialization;

namespace BoostedGrains.Silo.Gateway;

/// <summary>The optional body of <c>POST /v1/users/{userId}/token</c>: the profile used when the user is first created.</summary>
public sealed record TokenRequest(
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("workspace")] string? Workspace);
