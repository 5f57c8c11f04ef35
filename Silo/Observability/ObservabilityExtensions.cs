using BoostedGrains.Diagnostics;
using BoostedGrains.Silo.Admin;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace BoostedGrains.Silo.Observability;

/// <summary>Metrics, traces and the Orleans Dashboard of the silo.</summary>
public static class ObservabilityExtensions
{
    /// <summary>
    /// Registers OpenTelemetry (meters <c>BoostedGrains</c> and <c>Orleans</c>, source <c>BoostedGrains</c>) with the
    /// exporters of <c>Telemetry__*</c>, and binds <c>Dashboard__*</c>. The dashboard shows the cluster's insides, so it is
    /// only served where operators have a key to guard it with: <paramref name="adminKeys"/> says whether they do.
    /// Returns whether the dashboard is on.
    /// </summary>
    public static bool AddBoostedObservability(this WebApplicationBuilder builder, bool adminKeys)
    {
        var telemetry = TelemetryOptions.Bind(builder.Configuration);
        var dashboard = DashboardOptions.Bind(builder.Configuration);
        dashboard.Enabled &= adminKeys;
        builder.Services.AddSingleton(Options.Create(telemetry));
        builder.Services.AddSingleton(Options.Create(dashboard));
        var console = telemetry.Console ?? builder.Environment.IsDevelopment();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("BoostedGrains.Silo"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(BoostedGrainsMetrics.MeterName, "Orleans");
                if (console)
                    metrics.AddConsoleExporter();
                if (telemetry.OtlpEndpoint is { } otlp)
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                if (telemetry.Prometheus)
                    metrics.AddPrometheusExporter();
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(BoostedActivitySource.Name);
                if (console)
                    tracing.AddConsoleExporter();
                if (telemetry.OtlpEndpoint is { } otlp)
                    tracing.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        return dashboard.Enabled;
    }

    /// <summary>Adds the Orleans Dashboard to the silo when <paramref name="enabled"/>.</summary>
    public static ISiloBuilder AddBoostedDashboard(this ISiloBuilder silo, bool enabled)
    {
        if (enabled)
            silo.AddDashboard(options => options.HideTrace = true);
        return silo;
    }

    /// <summary>Maps <c>/metrics</c> (when Prometheus is on) and the dashboard behind the admin key, and starts the key ring gauges.</summary>
    public static WebApplication MapBoostedObservability(this WebApplication app)
    {
        // The gauges exist from construction on: build them now rather than on a first use that never comes.
        app.Services.GetRequiredService<KeyRingMetrics>();
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus)
            app.MapPrometheusScrapingEndpoint();
        var dashboard = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        if (dashboard.Enabled)
            app.MapOrleansDashboard(routePrefix: dashboard.Path).AddEndpointFilter(AdminKeyFilter.ForDashboard(app.Services));
        return app;
    }
}
