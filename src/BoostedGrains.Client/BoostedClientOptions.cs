using Microsoft.Extensions.Configuration;

namespace BoostedGrains.Client;

/// <summary>How an app server reaches the BoostedGrains cluster; read from the same settings as the Silo.</summary>
public sealed class BoostedClientOptions
{
    /// <summary>True when this host runs a silo itself (<c>UseOrleans</c>): no client is added, grains are called in-process.</summary>
    public bool UseCoHostedSilo { get; set; }

    /// <summary><c>Cluster__ClusterId</c>: the cluster to join.</summary>
    public string ClusterId { get; set; } = "boostedgrains-dev";

    /// <summary><c>Cluster__ServiceId</c>: the service the cluster belongs to.</summary>
    public string ServiceId { get; set; } = "boostedgrains";

    /// <summary><c>Cluster__GatewayPort</c> (one silo) or <c>BoostedClient__GatewayPorts__N</c>: silo gateways on this machine (localhost clustering only).</summary>
    public List<int> GatewayPorts { get; set; } = [30000];

    /// <summary><c>Storage__AzureTableConnectionString</c>: when set, silos are found through Azure Table clustering.</summary>
    public string? AzureTableConnectionString { get; set; }

    /// <summary><c>BoostedClient__ResponseTimeout</c>: how long one grain call may take before failing (default 30 s).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>BoostedClient__SiloLossRetryDelay</c>: when a call failed because its silo was lost, or is still unanswered,
    /// how long after its start the one retry goes (default 5 s). A client has no view of membership, and a call that
    /// went to the silo as it died is never answered (it would wait out <see cref="ResponseTimeout"/>): the retry must go
    /// after the cluster has declared the silo dead (1.3–3.8 s measured with the default membership settings on a
    /// loaded machine), and then reaches the grain's new activation.
    /// </summary>
    public TimeSpan SiloLossRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>BoostedClient__GatewayListRefreshPeriod</c>: how often the client re-reads the live gateways from membership
    /// (default 5 s; Orleans' own is 1 minute). A killed gateway's connection resets and is dropped at once; a host that
    /// vanished without a reset, or a silo that joined, is seen at the next refresh.
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><c>Tls__*</c>: mutual TLS to the gateways, the same settings as the silos'.</summary>
    public ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>Options read from <paramref name="configuration"/>: the Silo's <c>Cluster</c>, <c>Storage</c> and <c>Tls</c> sections, then <c>BoostedClient</c>.</summary>
    public static BoostedClientOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new BoostedClientOptions();
        var cluster = configuration.GetSection("Cluster");
        options.ClusterId = cluster["ClusterId"] ?? options.ClusterId;
        options.ServiceId = cluster["ServiceId"] ?? options.ServiceId;
        if (cluster.GetValue<int?>("GatewayPort") is { } port)
            options.GatewayPorts = [port];
        options.AzureTableConnectionString = configuration["Storage:AzureTableConnectionString"] is { Length: > 0 } connection ? connection : null;
        options.Tls = ClusterTlsOptions.FromConfiguration(configuration);
        var client = configuration.GetSection("BoostedClient");
        if (client.GetSection("GatewayPorts").Get<List<int>>() is { Count: > 0 } ports)
            options.GatewayPorts = ports;
        options.ResponseTimeout = client.GetValue<TimeSpan?>("ResponseTimeout") ?? options.ResponseTimeout;
        options.SiloLossRetryDelay = client.GetValue<TimeSpan?>("SiloLossRetryDelay") ?? options.SiloLossRetryDelay;
        options.GatewayListRefreshPeriod = client.GetValue<TimeSpan?>("GatewayListRefreshPeriod") ?? options.GatewayListRefreshPeriod;
        options.UseCoHostedSilo = client.GetValue<bool?>("UseCoHostedSilo") ?? options.UseCoHostedSilo;
        return options;
    }
}
