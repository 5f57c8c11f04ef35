using BoostedGrains.Boosted;
using BoostedGrains.Silo.Admin;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Silo.Health;
using BoostedGrains.Silo.Jwks;
using BoostedGrains.Silo.Observability;
using BoostedGrains.Silo.Security;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// Builds the silo host: picks the topology, adds BoostedGrains to the silo, and serves the HTTP surfaces (JWKS, token
/// API, admin API, health, dashboard); with no Boosted configured, the embedded emulator plays Boosted.
/// </summary>
public static class SiloApp
{
    private const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>Creates the configured (not yet started) silo application.</summary>
    public static Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        var services = builder.Services;

        var url = (builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) ?? DefaultUrl).Split(';')[0];
        var admin = AdminOptions.Bind(configuration);
        var adminListener = AdminListener.From(admin, url, DashboardOptions.Bind(configuration).Path);
        // HTTPS: an https URL here takes Kestrel's default certificate (Kestrel__Certificates__Default__*); endpoints in
        // Kestrel__Endpoints__* replace these URLs altogether.
        builder.WebHost.UseUrls(adminListener is null ? [url] : [url, .. adminListener.Urls]);
        services.AddBoostedJwksPublicUrl(url);

        // The sections that decide what is registered are bound here, once; the container starts from these instances.
        var topology = ClusterTopology.Bind(configuration);
        topology.Register(services);
        var boosted = BoostedOptions.Bind(configuration);
        var embedded = EmbeddedBoosted.For(EmbeddedBoostedOptions.Bind(configuration), boosted, Deployment(topology));
        if (embedded.IsEnabled)
            embedded.AddTo(services);

        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName)
            .Validate(gateway => gateway.Resolved().Count > 0,
                "Gateway__ApiKeys__0 is not set: give at least one API key for app servers to present to the token API (or Gateway__Keys__0__Key).")
            .Validate(gateway => gateway.Resolved().GroupBy(key => key.Name).All(names => names.Count() == 1),
                "Two Gateway__ApiKeys or Gateway__Keys share a name: give each key a name of its own (Gateway__Keys__N__Name).")
            .Validate(gateway => gateway.Resolved().All(key => key.NewUsersPerMinute >= 0),
                "Gateway__NewUsersPerMinute and Gateway__Keys__N__NewUsersPerMinute must be 0 (no cap) or more.")
            .Validate(gateway => gateway.FailedKeyAttempts.Limit <= 0 || gateway.FailedKeyAttempts.PerMinute > 0,
                "Gateway__FailedKeyAttempts__PerMinute must be positive (or set Gateway__FailedKeyAttempts__Limit=0).")
            .ValidateOnStart();
        if (embedded.IsDevelopment)
        {
            // An emulator plays Boosted: users cost nothing there, so no new-user cap unless one is set.
            services.PostConfigure<GatewayOptions>(gateway => gateway.NewUsersPerMinute ??= 0);
        }
        else if (boosted.BaseUrl is { OriginalString.Length: > 0 })
        {
            // A real Boosted: the keys this repository publishes, or short ones, would open its users' tokens to anyone.
            services.AddSingleton<IValidateOptions<GatewayOptions>, DevelopmentKeyValidation>();
        }
        services.AddSingleton<FailedKeyAttempts>();
        services.AddSingleton<ApiKeyCheck>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<KeyAdmission>();
        services.AddTokenApiRetry();
        services.AddTokenApiRateLimit();
        services.AddTokenApiOpenApi();
        services.AddProblemDetails();
        services.AddBoostedAdmin(admin);
        services.AddBoostedHealth();
        // The embedded default always has an admin key: the development one, when none is set.
        var dashboard = builder.AddBoostedObservability(adminKeys: embedded.IsEnabled || admin.HasKeys);
        services.AddHostedService<StartupBanner>();
        // Localhost clustering only (it has a primary). Before UseOrleans: a silo that cannot join blocks the start of
        // every hosted service registered after Orleans.
        if (!topology.PersistentState)
            services.AddHostedService<PrimarySiloWatch>();

        builder.UseOrleans(silo => topology.Apply(silo)
            .AddBoostedGrains(options =>
            {
                options.PersistentState = topology.PersistentState;
                options.BoostedInProcess = embedded.IsEnabled;
                options.Boosted = boosted;
            })
            .AddBoostedDashboard(dashboard));

        var app = builder.Build();
        if (adminListener is not null)
            adminListener.Apply(app);
        app.UseStatusCodePages();
        app.MapBoostedJwks();
        app.MapTokenApi();
        app.MapTokenApiOpenApi();
        app.MapBoostedHealth();
        app.MapBoostedAdmin();
        app.MapBoostedObservability();
        return Task.FromResult(app);
    }

    // Why this silo is a deployment rather than a laptop, or null when it may be either.
    private static string? Deployment(ClusterTopology topology) =>
        topology.PersistentState ? "keeps its state in Azure storage (Storage__AzureTableConnectionString)"
        : topology.Tls.Enabled ? "speaks TLS on its cluster ports (Tls__*)"
        : null;
}
