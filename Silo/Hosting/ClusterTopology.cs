using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using BoostedGrains.Client;
using BoostedGrains.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// Chooses clustering and grain storage: Azure Table storage when <c>Storage__AzureTableConnectionString</c> is set,
/// otherwise localhost clustering and in-memory state (the embedded default). Mutual TLS on both Orleans ports when
/// <c>Tls__*</c> names a certificate. Read once, while the host is composed: the providers are chosen from it.
/// </summary>
public sealed class ClusterTopology
{
    private ClusterTopology(ClusterConnectionOptions connection, SiloClusterOptions cluster, ClusterTlsOptions tls)
    {
        Connection = connection;
        Cluster = cluster;
        Tls = tls;
    }

    /// <summary>The cluster's ID, service ID, gateway port and storage, as the clients read them too.</summary>
    public ClusterConnectionOptions Connection { get; }

    /// <summary>This silo's ports, address and failure detection.</summary>
    public SiloClusterOptions Cluster { get; }

    /// <summary>Mutual TLS on the Orleans ports.</summary>
    public ClusterTlsOptions Tls { get; }

    /// <summary>Grain state outlives the process (Azure Table storage).</summary>
    public bool PersistentState => Connection.UsesAzureStorage;

    /// <summary>The <c>Cluster</c>, <c>Storage</c> and <c>Tls</c> sections of <paramref name="configuration"/>, validated.</summary>
    public static ClusterTopology Bind(IConfiguration configuration) =>
        new(ClusterConnectionOptions.Bind(configuration).Validated(), SiloClusterOptions.Bind(configuration), ClusterTlsOptions.Bind(configuration));

    /// <summary>Makes the options read here the ones the host's services see.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton(Options.Create(Connection));
        services.AddSingleton(Options.Create(Cluster));
    }

    /// <summary>Configures membership, endpoints and grain storage of <paramref name="silo"/>.</summary>
    public ISiloBuilder Apply(ISiloBuilder silo)
    {
        var (connection, cluster) = (Connection, Cluster);
        silo.Configure<ClusterMembershipOptions>(options => ApplyMembership(cluster, options));
        if (Tls.Enabled)
            silo.UseClusterTls(Tls);
        if (!PersistentState)
        {
            return silo
                .UseLocalhostClustering(cluster.SiloPort, connection.GatewayPort,
                    new IPEndPoint(IPAddress.Loopback, cluster.EffectivePrimarySiloPort), connection.ServiceId, connection.ClusterId)
                .AddMemoryGrainStorage(GrainStorage.Name);
        }

        if (!Tls.Enabled)
            silo.Services.AddHostedService<PlaintextClusterWarning>();
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = connection.ClusterId;
            options.ServiceId = connection.ServiceId;
        });
        silo.ConfigureEndpoints(AdvertisedAddress(cluster.AdvertisedIP), cluster.SiloPort, connection.GatewayPort,
            listenOnAnyHostAddress: cluster.ListenOnAnyAddress);
        var connectionString = connection.AzureTableConnectionString;
        return silo
            .UseAzureStorageClustering(options => options.TableServiceClient = new TableServiceClient(connectionString))
            .AddAzureTableGrainStorage(GrainStorage.Name, options => options.TableServiceClient = new TableServiceClient(connectionString));
    }

    private static void ApplyMembership(SiloClusterOptions cluster, ClusterMembershipOptions options)
    {
        options.ProbeTimeout = cluster.ProbeTimeout;
        options.NumMissedProbesLimit = cluster.NumMissedProbesLimit;
        options.NumVotesForDeathDeclaration = cluster.NumVotesForDeathDeclaration;
    }

    // A compose service name is only known as a host name; other silos need the IPv4 address it resolves to.
    private static IPAddress AdvertisedAddress(string? advertised)
    {
        if (string.IsNullOrWhiteSpace(advertised))
            return IPAddress.Loopback;
        if (IPAddress.TryParse(advertised, out var ip))
            return ip;
        return Dns.GetHostAddresses(advertised).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new InvalidOperationException($"Cluster__AdvertisedIP '{advertised}' does not resolve to an IPv4 address.");
    }
}
