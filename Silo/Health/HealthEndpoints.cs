using BoostedGrains.Client;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Health;

/// <summary>Liveness and readiness: <c>/healthz/live</c>, <c>/healthz/ready</c>, and <c>/healthz</c> (the same as ready).</summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    /// <summary>
    /// Registers the readiness checks: joined the cluster with the key ring loaded and fresh, storage reachable; and
    /// Boosted's reachability, which reports Degraded (still HTTP 200) rather than unready.
    /// </summary>
    public static IServiceCollection AddBoostedHealth(this IServiceCollection services)
    {
        services.AddSingleton(s =>
        {
            var storage = s.GetRequiredService<IOptions<ClusterConnectionOptions>>().Value;
            return new StorageReachableHealthCheck(
                storage.UsesAzureStorage ? new Azure.Data.Tables.TableServiceClient(storage.AzureTableConnectionString) : null, s.GetRequiredService<TimeProvider>());
        });
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.SectionName);
        services.AddHttpClient(BoostedReachableHealthCheck.ProbeClient, http => http.Timeout = TimeSpan.FromSeconds(5)).UseLongLivedHandler();
        services.AddSingleton<BoostedReachableHealthCheck>();
        // The health service logs a warning for every Degraded report, one per readiness poll while Boosted is down;
        // BoostedReachability logs the change once. Unhealthy reports are errors and still logged.
        services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Error));
        services.AddHealthChecks()
            .AddCheck<SiloReadyHealthCheck>("silo", tags: [Ready])
            .AddCheck<StorageReachableHealthCheck>("storage", tags: [Ready])
            .AddCheck<BoostedReachableHealthCheck>("boosted", HealthStatus.Degraded, tags: [Ready])
            // Reports at worst Degraded, so readiness stays 200 while its body says why.
            .AddCheck<KeyPublicationHealthCheck>("key-publication", failureStatus: HealthStatus.Degraded, tags: [Ready, KeyPublicationHealthCheck.Tag]);
        return services;
    }

    /// <summary>Maps the health endpoints.</summary>
    public static IEndpointRouteBuilder MapBoostedHealth(this IEndpointRouteBuilder endpoints)
    {
        // Liveness runs no check: the process answers, which is all a restart would fix.
        endpoints.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
        return endpoints;
    }
}
