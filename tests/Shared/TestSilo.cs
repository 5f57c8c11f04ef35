using BoostedGrains.Silo.Hosting;
using Microsoft.AspNetCore.Builder;

namespace BoostedGrains.Testing;

/// <summary>
/// The one way tests build the real Silo host (<see cref="SiloApp"/>) in their process: on <c>url</c>, with free loopback
/// silo and gateway ports and a cluster ID of its own, so that hosts of tests running side by side never meet.
/// </summary>
public static class TestSilo
{
    /// <summary>
    /// Builds the host (not started). Later <paramref name="arguments"/> override earlier ones, and configuration that
    /// <paramref name="configure"/> adds overrides all of them (ports included).
    /// </summary>
    public static Task<WebApplication> CreateAsync(string url, string name, IEnumerable<string> arguments, Action<WebApplicationBuilder>? configure = null) =>
        SiloApp.CreateAsync(
        [
            "--urls", url,
            "--Cluster:ClusterId", $"{name}-{Guid.NewGuid():N}",
            // The primary silo port follows the silo port by default: each host is its own primary.
            "--Cluster:SiloPort", FreePort.Next().ToString(),
            "--Cluster:GatewayPort", FreePort.Next().ToString(),
            .. arguments,
        ], configure);

    /// <summary>A loopback URL on a free port, for <see cref="CreateAsync"/>.</summary>
    public static string FreeUrl() => $"http://127.0.0.1:{FreePort.Next()}";
}
