using BoostedGrains.Boosted;
using BoostedGrains.Silo.Admin;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Silo.Health;
using BoostedGrains.Silo.Jwks;
using BoostedGrains.Silo.Observability;

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
        builder.WebHost.UseUrls(url);
        services.AddBoostedJwksPublicUrl(url);

        // The sections that decide what is registered are bound here, once; the container starts from these instances.
        var topology = ClusterTopology.Bind(configuration);
        topology.Register(services);
        var boosted = BoostedOptions.Bind(configuration);
        var embedded = EmbeddedBoosted.For(EmbeddedBoostedOptions.Bind(configuration), boosted);
        if (embedded.IsEnabled)
            embedded.AddTo(services);
        var admin = AdminOptions.Bind(configuration);

        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName)
            .Validate(gateway => gateway.ApiKeys.Values.Any(key => !string.IsNullOrWhiteSpace(key)),
                "Gateway__ApiKeys__0 is not set: give at least one API key for app servers to present to the token API.")
            .ValidateOnStart();
        services.AddSingleton<ApiKeyCheck>();
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
        app.UseStatusCodePages();
        app.MapBoostedJwks();
        app.MapTokenApi();
        app.MapTokenApiOpenApi();
        app.MapBoostedHealth();
        app.MapBoostedAdmin();
        app.MapBoostedObservability();
        return Task.FromResult(app);
    }
}
