namespace BoostedGrains.Silo.Gateway;

/// <summary>The HTTP token API's settings (configuration section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The development key used by the embedded default when no <c>Gateway__ApiKeys__N</c> is set.</summary>
    public const string DevelopmentApiKey = "dev-api-key";

    /// <summary>
    /// <c>Gateway__ApiKeys__0</c>, <c>__1</c>, ... or <c>__&lt;name&gt;</c>: keys that app servers present as
    /// <c>Authorization: Bearer &lt;key&gt;</c>, by name (the last segment), which rate limits and logs use instead of the key.
    /// </summary>
    public Dictionary<string, string> ApiKeys { get; set; } = [];

    /// <summary><c>Gateway__RateLimit__*</c>: the per-key token bucket of the token API.</summary>
    public TokenApiRateLimitOptions RateLimit { get; set; } = new();
}
