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
    private ClusterTopology(SiloClusterOptions cluster, ClusterTlsOptions tls)
    {
        Cluster = cluster;
        Tls = tls;
    }

    /// <summary>The cluster's ID, service ID, gateway port and storage, as the clients read them too, and this silo's ports, address and failure detection.</summary>
    public SiloClusterOptions Cluster { get; }

    /// <summary>Mutual TLS on the Orleans ports.</summary>
    public ClusterTlsOptions Tls { get; }

    /// <summary>Grain state outlives the process (Azure Table storage).</summary>
    public bool PersistentState => Cluster.UsesAzureStorage;

    /// <summary>The <c>Cluster</c>, <c>Storage</c> and <c>Tls</c> sections of <paramref name="configuration"/>, validated.</summary>
    public static ClusterTopology Bind(IConfiguration configuration)
    {
        var cluster = ClusterConnectionOptions.Bind(configuration, new SiloClusterOptions());
        cluster.Validated();
        return new(cluster, ClusterTlsOptions.Bind(configuration));
    }

    /// <summary>Makes the options read here the ones the host's services see, as the silo's and as the clients' type.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton(Options.Create<ClusterConnectionOptions>(Cluster));
        services.AddSingleton(Options.Create(Cluster));
    }

    /// <summary>Configures membership, endpoints and grain storage of <paramref name="silo"/>.</summary>
    public ISiloBuilder Apply(ISiloBuilder silo)
    {
        var cluster = Cluster;
        silo.Configure<ClusterMembershipOptions>(options => ApplyMembership(cluster, options));
        if (Tls.Enabled)
            silo.UseClusterTls(Tls);
        if (!PersistentState)
        {
            return silo
                .UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort,
                    new IPEndPoint(IPAddress.Loopback, cluster.EffectivePrimarySiloPort), cluster.ServiceId, cluster.ClusterId)
                .AddMemoryGrainStorage(GrainStorage.Name);
        }

        if (!Tls.Enabled)
            silo.Services.AddHostedService<PlaintextClusterWarning>();
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        silo.ConfigureEndpoints(AdvertisedAddress(cluster.AdvertisedIP), cluster.SiloPort, cluster.GatewayPort,
            listenOnAnyHostAddress: cluster.ListenOnAnyAddress);
        var connectionString = cluster.AzureTableConnectionString;
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
