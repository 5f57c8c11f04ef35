using BoostedGrains.Emulator;
using BoostedGrains.Hosting;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Admin;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Silo.Health;
using BoostedGrains.Silo.Observability;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Hosting;

/// <summary>Builds the silo host: Orleans, the JWKS, the HTTP token API, health, and the embedded Boosted emulator.</summary>
public static class SiloApp
{
    private const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>Creates the configured (not yet started) silo application.</summary>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        var configuration = builder.Configuration;

        var url = (configuration["urls"] ?? DefaultUrl).Split(';')[0];
        builder.WebHost.UseUrls(url);
        // Unset: the static blob when Jwks__Publish__* is configured, else this silo's own endpoint.
        var publish = configuration.GetSection(JwksPublishOptions.SectionName).Get<JwksPublishOptions>();
        var jwksUrl = configuration.GetValue<Uri?>("Jwks:PublicUrl")
            ?? (publish is { IsConfigured: true } ? publish.CreateBlobClient().Uri : null)
            ?? new Uri(new Uri(url.Replace("*", "localhost").Replace("+", "localhost")), "/.well-known/jwks.json");
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Jwks:PublicUrl"] = jwksUrl.ToString() });

        var embedded = EmbeddedBoosted.IsEnabled(configuration);
        if (embedded)
        {
            var emulator = await EmbeddedBoosted.StartAsync(configuration, jwksUrl);
            builder.Services.AddSingleton(emulator);
            if (configuration.GetSection("Gateway:ApiKeys").GetChildren().All(key => string.IsNullOrEmpty(key.Value)))
                configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:ApiKeys:0"] = GatewayOptions.DevelopmentApiKey });
        }

        builder.Services.AddBoostedGrains(configuration).AddKeyRingStartupCheck();
        var inMemory = string.IsNullOrWhiteSpace(configuration["Storage:AzureTableConnectionString"]);
        if (!embedded && inMemory)
            builder.Services.AddSingleton<IValidateOptions<KeyRingOptions>, EphemeralKeyRingRequirement>();
        builder.Services.AddOptions<ClusterSettings>().Bind(configuration.GetSection(ClusterSettings.SectionName));
        builder.Services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.SectionName))
            .Validate(gateway => gateway.ApiKeys.Values.Any(key => !string.IsNullOrWhiteSpace(key)),
                "Gateway__ApiKeys__0 is not set: give at least one API key for app servers to present to the token API.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyFilter>();
        builder.Services.AddTokenApiRetry();
        builder.Services.AddTokenApiRateLimit();
        builder.Services.AddTokenApiOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddBoostedAdmin(configuration, embedded);
        builder.Services.AddBoostedHealth(configuration);
        builder.AddBoostedObservability();
        builder.Services.AddHostedService<StartupBanner>();
        // Localhost clustering only (it has a primary). Before UseOrleans: a silo that cannot join blocks the start of
        // every hosted service registered after Orleans.
        if (inMemory)
            builder.Services.AddHostedService<PrimarySiloWatch>();

        builder.UseOrleans(silo => silo.UseBoostedTopology(configuration).AddBoostedDashboard(configuration));

        var app = builder.Build();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.MapBoostedJwks();
        app.MapTokenApi();
        app.MapTokenApiOpenApi();
        app.MapBoostedHealth();
        app.MapBoostedAdmin(configuration);
        app.MapBoostedObservability();
        return app;
    }
}
