namespace BoostedGrains.Emulator;

/// <summary>
/// Settings of the local Boosted emulator, bound from the <c>Emulator</c> configuration section. Not sealed: a host that
/// embeds the emulator binds the section once, into a subclass carrying its own settings of that section too.
/// </summary>
public class EmulatorOptions
{
    /// <summary>The partners the emulator knows; each one authenticates with its client ID and secret.</summary>
    public List<EmulatorPartner> Partners { get; set; } = [];

    /// <summary>Lifetime of issued access tokens, in seconds (<c>expires_in</c>).</summary>
    public int TokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>How long a fetched partner JWKS is trusted before it is fetched again, in seconds.</summary>
    public int JwksCacheSeconds { get; set; } = 600;

    /// <summary>What the <c>sub</c> of a user assertion names: the Boosted user ID or the partner's external user ID.</summary>
    public EmulatorSubjectClaim SubjectClaim { get; set; } = EmulatorSubjectClaim.BoostedUserId;

    /// <summary>
    /// Space-delimited scopes a user token may hold besides the spec's <c>thread</c> (default none). Not Boosted's
    /// behaviour: it lets tests drive a partner's handling of several user scope sets. A partner gets them only where
    /// its <see cref="EmulatorPartner.AllowedScopes"/> lists them.
    /// </summary>
    public string ExtraUserScopes { get; set; } = "";

    /// <summary>Faults injected at start; they can be changed at runtime.</summary>
    public EmulatorFaults Faults { get; set; } = new();
}
