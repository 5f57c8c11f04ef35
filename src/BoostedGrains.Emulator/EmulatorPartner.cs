namespace BoostedGrains.Emulator;

/// <summary>A partner registered with the emulator, as Boosted would onboard it.</summary>
public sealed class EmulatorPartner
{
    /// <summary>The client ID: the JWT <c>iss</c>, and the <c>sub</c> of a management assertion.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client secret sent with every token request.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>Where the emulator fetches the partner's public keys.</summary>
    public Uri? JwksUri { get; set; }

    /// <summary>The expected <c>aud</c>; when unset, the emulator's own token endpoint URL.</summary>
    public string? Audience { get; set; }

    /// <summary>Space-delimited scopes this partner may obtain.</summary>
    public string AllowedScopes { get; set; } = "thread account-management analytics";
}
