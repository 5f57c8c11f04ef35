namespace BoostedGrains.Silo.Hosting;

/// <summary>Which cluster this silo joins and on which ports (configuration section <c>Cluster</c>).</summary>
public sealed class ClusterSettings
{
    public const string SectionName = "Cluster";

    /// <summary><c>Cluster__ClusterId</c>: silos with the same ID form one cluster.</summary>
    public string ClusterId { get; set; } = "boostedgrains-dev";

    /// <summary><c>Cluster__ServiceId</c>: stable across deployments; keys grain state.</summary>
    public string ServiceId { get; set; } = "boostedgrains";

    /// <summary><c>Cluster__SiloPort</c>: silo-to-silo traffic.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary><c>Cluster__GatewayPort</c>: where Orleans clients connect.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// <c>Cluster__PrimarySiloPort</c>: with localhost clustering, the silo port of the first silo, which the others join.
    /// Unset, it is this silo's own <see cref="SiloPort"/>: the silo is its own primary.
    /// </summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>The primary silo's port that localhost clustering joins.</summary>
    public int EffectivePrimarySiloPort => PrimarySiloPort ?? SiloPort;

    /// <summary>
    /// <c>Cluster__AdvertisedIP</c>: the address other silos reach this one at (Azure Table clustering), an IP or a
    /// host name resolved at start (a compose service name); loopback when unset.
    /// </summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>
    /// <c>Cluster__ListenOnAnyAddress</c>: listen on every address of the host instead of the advertised one only (default
    /// false). Needed where the advertised address is not the host's own, behind NAT.
    /// </summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary><c>Cluster__ProbeTimeout</c>: how long a silo waits for a probe answer (Orleans default 5 s). Shorten only in tests.</summary>
    public TimeSpan? ProbeTimeout { get; set; }

    /// <summary><c>Cluster__NumMissedProbesLimit</c>: missed probes before a silo suspects another (Orleans default 3). Lower only in tests.</summary>
    public int? NumMissedProbesLimit { get; set; }

    /// <summary><c>Cluster__NumVotesForDeathDeclaration</c>: suspicions needed to declare a silo dead (Orleans default 2). Lower only in tests.</summary>
    public int? NumVotesForDeathDeclaration { get; set; }
}
