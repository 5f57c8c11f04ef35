using System.ComponentModel;
using System.Text.Json.Serialization;

namespace BoostedGrains.Silo.Gateway;

/// <summary>The optional body of <c>POST /v1/users/{userId}/token</c>: the profile used when the user is first created.</summary>
public sealed record TokenRequest(
    [property: JsonPropertyName("email"), Description("The user's email address, when Boosted creates the user.")] string? Email = null,
    [property: JsonPropertyName("name"), Description("The user's display name, when Boosted creates the user.")] string? Name = null,
    [property: JsonPropertyName("workspace"), Description("The workspace Boosted creates the user in.")] string? Workspace = null);
