using BoostedGrains.Diagnostics;
using BoostedGrains.Silo.Admin;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace BoostedGrains.Silo.Observability;

/// <summary>Metrics, traces and the Orleans Dashboard of the silo.</summary>
public static class ObservabilityExtensions
{
    /// <summary>Registers OpenTelemetry (meters <c>BoostedGrains</c> and <c>Orleans</c>, source <c>BoostedGrains</c>) with the configured exporters.</summary>
    public static WebApplicationBuilder AddBoostedObservability(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(TelemetrySettings.SectionName).Get<TelemetrySettings>() ?? new TelemetrySettings();
        var console = settings.Console ?? builder.Environment.IsDevelopment();
        builder.Services.AddSingleton<KeyRingMetrics>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("BoostedGrains.Silo"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TokenMetrics.MeterName, "Orleans");
                if (console)
                    metrics.AddConsoleExporter();
                if (settings.OtlpEndpoint is { } otlp)
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                if (settings.Prometheus)
                    metrics.AddPrometheusExporter();
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(BoostedActivitySource.Name);
                if (console)
                    tracing.AddConsoleExporter();
                if (settings.OtlpEndpoint is { } otlp)
                    tracing.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        return builder;
    }

    /// <summary>Adds the Orleans Dashboard to the silo when <c>Dashboard__Enabled</c> and an admin key allow it.</summary>
    public static ISiloBuilder AddBoostedDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (IsDashboardOn(configuration))
            silo.AddDashboard(options => options.HideTrace = true);
        return silo;
    }

    /// <summary>Maps <c>/metrics</c> (when Prometheus is on) and the dashboard behind the admin key, and starts the key ring gauges.</summary>
    public static WebApplication MapBoostedObservability(this WebApplication app)
    {
        // The gauges exist from construction on: build them now rather than on a first use that never comes.
        app.Services.GetRequiredService<KeyRingMetrics>();
        var telemetry = app.Configuration.GetSection(TelemetrySettings.SectionName).Get<TelemetrySettings>() ?? new TelemetrySettings();
        if (telemetry.Prometheus)
            app.MapPrometheusScrapingEndpoint();
        if (IsDashboardOn(app.Configuration))
        {
            var dashboard = app.Configuration.GetSection(DashboardSettings.SectionName).Get<DashboardSettings>() ?? new DashboardSettings();
            app.MapOrleansDashboard(routePrefix: dashboard.Path).AddEndpointFilter(app.Services.GetRequiredService<AdminKeyFilter>());
        }
        return app;
    }

    // The dashboard shows the cluster's insides: it is only served where operators have a key to guard it with.
    private static bool IsDashboardOn(IConfiguration configuration) =>
        (configuration.GetSection(DashboardSettings.SectionName).Get<DashboardSettings>() ?? new DashboardSettings()).Enabled
        && AdminOptions.HasKeys(configuration);
}
