namespace BoostedGrains.Silo.Admin;

/// <summary>The admin API's settings (configuration section <c>Admin</c>).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>The development admin key used by the embedded default when no <c>Admin__ApiKeys__N</c> is set.</summary>
    public const string DevelopmentApiKey = "dev-admin-key";

    /// <summary>
    /// <c>Admin__ApiKeys__0</c>, <c>__1</c>, ... or <c>__&lt;name&gt;</c>: keys operators present to the admin API and the
    /// dashboard, by name (the last segment), which the audit events carry. None: both are off.
    /// </summary>
    public Dictionary<string, string> ApiKeys { get; set; } = [];

    /// <summary>True when at least one admin key is configured.</summary>
    public static bool HasKeys(IConfiguration configuration) =>
        configuration.GetSection($"{SectionName}:ApiKeys").GetChildren().Any(key => !string.IsNullOrWhiteSpace(key.Value));
}
