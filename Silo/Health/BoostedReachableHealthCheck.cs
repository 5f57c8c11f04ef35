using BoostedGrains.Boosted;
using BoostedGrains.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Health;

/// <summary>
/// Healthy while Boosted answered recently, Degraded otherwise: never a reason to take the silo out of rotation, which
/// still serves every token it holds (a Boosted outage reaches every silo alike). When the last call failed and no call
/// succeeded within the window, it probes the token endpoint with an empty request (no credentials: a working Boosted
/// answers 400), at most once per window, so that an idle silo still notices when Boosted is back. A silo whose own
/// calls (or the circuit breaker's half-open probes) failed within the window does not probe: those calls already
/// find out, and an outage should cost Boosted no extra request.
/// </summary>
public sealed class BoostedReachableHealthCheck(
    BoostedReachability reachability, IHttpClientFactory clients, IOptions<BoostedOptions> boosted,
    IOptions<HealthOptions> settings, TimeProvider time) : IHealthCheck
{
    /// <summary>The name of the probe's HttpClient.</summary>
    public const string ProbeClient = "boosted-probe";

    private long _lastProbeTicks;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var window = settings.Value.BoostedWindow;
        var now = time.GetUtcNow();
        if (reachability.LastFailure is not { } failure || reachability.LastSuccess >= failure || now - reachability.LastSuccess <= window)
            return HealthCheckResult.Healthy();
        if (now - failure >= window && now.UtcTicks - Interlocked.Read(ref _lastProbeTicks) >= window.Ticks)
        {
            Interlocked.Exchange(ref _lastProbeTicks, now.UtcTicks);
            reachability.Record(await ProbeAsync(cancellationToken));
            if (reachability.LastSuccess >= reachability.LastFailure)
                return HealthCheckResult.Healthy("Boosted answers again.");
        }
        return HealthCheckResult.Degraded($"Boosted has not answered successfully since {reachability.LastSuccess?.ToString("O") ?? "this silo started"} (last failure {failure:O}); tokens already held are still served.");
    }

    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var content = new FormUrlEncodedContent([]);
            using var response = await clients.CreateClient(ProbeClient).PostAsync(boosted.Value.ResolveTokenEndpoint(), content, cancellationToken);
            var status = (int)response.StatusCode;
            return status < 500 && status is not (408 or 429);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }
}
