using System.ComponentModel.DataAnnotations;

namespace BoostedGrains.Boosted;

/// <summary>How to reach Boosted and who we are to it (configuration section <c>Boosted</c>).</summary>
public sealed class BoostedOptions
{
    public const string SectionName = "Boosted";

    /// <summary><c>Boosted__BaseUrl</c>: the API host, for example <c>https://sandbox.api.boosted.ai</c>.</summary>
    [Required(ErrorMessage = "Boosted__BaseUrl is not set: give the Boosted API base URL you received at onboarding.")]
    public Uri? BaseUrl { get; set; }

    /// <summary><c>Boosted__TokenEndpoint</c>: defaults to <c>{BaseUrl}/oauth2/token</c>.</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary><c>Boosted__Audience</c>: the assertion's <c>aud</c>; defaults to the token endpoint URL.</summary>
    public string? Audience { get; set; }

    /// <summary><c>Boosted__ClientId</c>: the assertion's <c>iss</c>, and <c>sub</c> of management assertions.</summary>
    [Required(ErrorMessage = "Boosted__ClientId is not set: give the client ID Boosted issued to you.")]
    public string? ClientId { get; set; }

    /// <summary><c>Boosted__ClientSecret</c>: sent with every exchange. Never logged.</summary>
    [Required(ErrorMessage = "Boosted__ClientSecret is not set: give the client secret Boosted issued to you.")]
    public string? ClientSecret { get; set; }

    /// <summary><c>Boosted__UserScope</c>: the scope of user tokens.</summary>
    public string UserScope { get; set; } = "thread";

    /// <summary><c>Boosted__SubjectClaim</c>: what a user assertion's <c>sub</c> carries.</summary>
    public SubjectClaim SubjectClaim { get; set; } = SubjectClaim.BoostedUserId;

    /// <summary><c>Boosted__DefaultOrganization__ExternalId</c>: the organization new workspaces are created in.</summary>
    public ExternalEntity DefaultOrganization { get; set; } = new() { ExternalId = "default" };

    /// <summary><c>Boosted__DefaultWorkspace__ExternalId</c>: the workspace of users whose profile names none.</summary>
    public ExternalEntity DefaultWorkspace { get; set; } = new() { ExternalId = "default" };

    /// <summary>The token endpoint actually used.</summary>
    public Uri ResolvedTokenEndpoint => TokenEndpoint ?? new Uri(BaseUrl!, "oauth2/token");

    /// <summary>The audience actually used.</summary>
    public string ResolvedAudience => Audience ?? ResolvedTokenEndpoint.ToString();

    /// <summary>An entity named by the partner's external ID.</summary>
    public sealed class ExternalEntity
    {
        public string ExternalId { get; set; } = "default";
    }
}
