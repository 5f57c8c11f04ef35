using BoostedGrains.Client;

namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// The <c>Cluster</c> (and <c>Storage</c>) section as a silo reads it: the part clients share (cluster and service ID,
/// gateway port, storage), which it inherits from <see cref="ClusterConnectionOptions"/>, and its own silo port, address
/// and failure detection.
/// </summary>
public sealed class SiloClusterOptions : ClusterConnectionOptions
{
    /// <summary><c>Cluster__SiloPort</c>: silo-to-silo traffic.</summary>
    public int SiloPort { get; set; } = 11111;

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

    /// <summary>
    /// <c>Cluster__ProbeTimeout</c>: the initial timeout of a liveness probe (default 2 s; Orleans' own is 5 s). Orleans
    /// adapts each silo's probe period and timeout to the answers it sees, between half and four times this value, and
    /// extends the timeout while the probing silo itself is degraded (starved of CPU, for example).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <c>Cluster__NumMissedProbesLimit</c>: consecutive missed probes before a silo votes another dead (default 2;
    /// Orleans' own is 3). The last one goes through another silo, so a broken link alone does not count as a death.
    /// </summary>
    public int NumMissedProbesLimit { get; set; } = 2;

    /// <summary><c>Cluster__NumVotesForDeathDeclaration</c>: votes needed to declare a silo dead (default 2, as Orleans): two peers must agree.</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;
}
