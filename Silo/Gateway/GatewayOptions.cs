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
    /// Unscoped; they may not change a provisioned user's email or name (use <see cref="Keys"/> for that).
    /// </summary>
    public Dictionary<string, string> ApiKeys { get; set; } = [];

    /// <summary><c>Gateway__Keys__&lt;n&gt;__*</c>: keys with a scope and permissions.</summary>
    public Dictionary<string, GatewayKeyOptions> Keys { get; set; } = [];

    /// <summary>The new-user cap with a real Boosted, when <see cref="NewUsersPerMinute"/> is not set.</summary>
    public const int DefaultNewUsersPerMinute = 300;

    /// <summary>
    /// <c>Gateway__NewUsersPerMinute</c>: users one key may create in Boosted per minute on each silo, unless the key sets
    /// its own (default 300 with a real Boosted, no cap with an emulator, where users cost nothing; 0: no cap). Bulk
    /// onboarding goes through the <c>provision</c> command, not this API.
    /// </summary>
    public int? NewUsersPerMinute { get; set; }

    /// <summary><c>Gateway__RateLimit__*</c>: the per-key token bucket of the token API.</summary>
    public TokenApiRateLimitOptions RateLimit { get; set; } = new();

    /// <summary><c>Gateway__FailedKeyAttempts__*</c>: the per-address budget of wrong keys (token API and admin API).</summary>
    public FailedKeyAttemptsOptions FailedKeyAttempts { get; set; } = new();

    /// <summary>Every configured key, in both forms, by the name rate limits and logs use.</summary>
    public IReadOnlyList<GatewayKey> Resolved()
    {
        var keys = new List<GatewayKey>();
        foreach (var (name, key) in ApiKeys)
        {
            if (!string.IsNullOrWhiteSpace(key))
                keys.Add(new GatewayKey(name, $"Gateway__ApiKeys__{name}", key, [], [], CanUpdateProfile: false, NewUsersPerMinute ?? DefaultNewUsersPerMinute));
        }
        foreach (var (index, key) in Keys)
        {
            if (string.IsNullOrWhiteSpace(key.Key))
                continue;
            keys.Add(new GatewayKey(string.IsNullOrWhiteSpace(key.Name) ? index : key.Name, $"Gateway__Keys__{index}__Key", key.Key,
                key.Workspaces.Where(w => !string.IsNullOrWhiteSpace(w)).ToArray(),
                key.UserIdPrefixes.Where(p => !string.IsNullOrEmpty(p)).ToArray(),
                key.CanUpdateProfile, key.NewUsersPerMinute ?? NewUsersPerMinute ?? DefaultNewUsersPerMinute));
        }
        return keys;
    }
}
