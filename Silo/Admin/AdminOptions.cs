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

    /// <summary>
    /// <c>Admin__Urls</c>: where the admin API and the dashboard listen, apart from the token API and JWKS (e.g.
    /// <c>http://127.0.0.1:9090</c>; several separated by <c>;</c>; fixed ports). Unset: on the silo's main URL.
    /// </summary>
    public string? Urls { get; set; }

    /// <summary>True when at least one admin key is set.</summary>
    public bool HasKeys => ApiKeys.Values.Any(key => !string.IsNullOrWhiteSpace(key));

    /// <summary>
    /// The <c>Admin</c> section of <paramref name="configuration"/>: read while the silo is composed, which adds the
    /// dashboard or not, and handed to <see cref="AdminExtensions.AddBoostedAdmin"/>, which does not bind it again.
    /// </summary>
    public static AdminOptions Bind(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<AdminOptions>() ?? new AdminOptions();
}
