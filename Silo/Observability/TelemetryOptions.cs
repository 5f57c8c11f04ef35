namespace BoostedGrains.Silo.Observability;

/// <summary>Where metrics and traces go (configuration section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary><c>Telemetry__Console</c>: print metrics and traces to the console; defaults to true in the Development environment only.</summary>
    public bool? Console { get; set; }

    /// <summary><c>Telemetry__OtlpEndpoint</c>: an OTLP collector (for example <c>http://localhost:4317</c>); unset: no OTLP export.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>Telemetry__Prometheus</c>: serve metrics for scraping at <c>/metrics</c> (default false).</summary>
    public bool Prometheus { get; set; }

    /// <summary>The <c>Telemetry</c> section of <paramref name="configuration"/>: read while the silo is composed, which picks the exporters.</summary>
    public static TelemetryOptions Bind(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
}
