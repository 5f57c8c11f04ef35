namespace BoostedGrains.Silo.Observability;

/// <summary>The Orleans Dashboard on the silo (configuration section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary><c>Dashboard__Enabled</c>: serve the dashboard (default true; it also needs an admin key, which guards it).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>Dashboard__Path</c>: where it is served (default <c>/dashboard</c>).</summary>
    public string Path { get; set; } = "/dashboard";

    /// <summary>The <c>Dashboard</c> section of <paramref name="configuration"/>: read while the silo is composed, which adds the dashboard or not.</summary>
    public static DashboardOptions Bind(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<DashboardOptions>() ?? new DashboardOptions();
}
