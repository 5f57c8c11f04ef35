using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace BoostedGrains.Client;

/// <summary>
/// How an app server reaches the BoostedGrains cluster (configuration section <c>BoostedClient</c>), with the cluster
/// connection and TLS settings it shares with the silos.
/// </summary>
public sealed class BoostedClientOptions
{
    public const string SectionName = "BoostedClient";

    /// <summary><c>BoostedClient__UseCoHostedSilo</c>: this host runs a silo itself (<c>UseOrleans</c>): no client is added, grains are called in-process.</summary>
    public bool UseCoHostedSilo { get; set; }

    /// <summary>
    /// <c>BoostedClient__GatewayPorts__N</c>: silo gateways on this machine (localhost clustering only). Empty: the one
    /// at <see cref="ClusterConnectionOptions.GatewayPort"/>.
    /// </summary>
    public List<int> GatewayPorts { get; set; } = [];

    /// <summary><c>BoostedClient__ResponseTimeout</c>: how long one grain call may take before failing (default 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "BoostedClient__ResponseTimeout must be positive (for example 00:00:30).")]
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

    /// <summary><c>Cluster__*</c> and <c>Storage__*</c>: which cluster to join and how to find it, the same settings as the silos'.</summary>
    public ClusterConnectionOptions Cluster { get; set; } = new();

    /// <summary><c>Tls__*</c>: mutual TLS to the gateways, the same settings as the silos'.</summary>
    public ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>The gateways that localhost clustering connects to.</summary>
    public IReadOnlyList<int> EffectiveGatewayPorts => GatewayPorts.Count > 0 ? GatewayPorts : [Cluster.GatewayPort];

    /// <summary>The <c>BoostedClient</c> section, then the Silo's <c>Cluster</c>, <c>Storage</c> and <c>Tls</c> sections.</summary>
    public static BoostedClientOptions Bind(IConfiguration configuration)
    {
        var options = new BoostedClientOptions();
        configuration.GetSection(SectionName).Bind(options);
        options.Cluster = ClusterConnectionOptions.Bind(configuration);
        options.Tls = ClusterTlsOptions.Bind(configuration);
        return options;
    }

    /// <summary>These options, or an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> that names each bad setting.</summary>
    public BoostedClientOptions Validated()
    {
        StartupValidation.Validated(this);
        Cluster.Validated();
        return this;
    }
}
