using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using BoostedGrains.Client;
using BoostedGrains.Hosting;
using BoostedGrains.Keys;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// Chooses clustering and grain storage: Azure Table storage when <c>Storage__AzureTableConnectionString</c> is set,
/// otherwise localhost clustering and in-memory state (the embedded default). Mutual TLS on both Orleans ports when
/// <c>Tls__*</c> names a certificate.
/// </summary>
public static class ClusterTopology
{
    /// <summary>Configures membership, endpoints and grain storage of <paramref name="silo"/>.</summary>
    public static ISiloBuilder UseBoostedTopology(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
        silo.Configure<ClusterMembershipOptions>(options => ApplyMembership(cluster, options));
        var tls = ClusterTlsOptions.FromConfiguration(configuration);
        if (tls.Enabled)
            silo.UseClusterTls(tls);
        var connectionString = configuration["Storage:AzureTableConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return silo
                .UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort,
                    new IPEndPoint(IPAddress.Loopback, cluster.EffectivePrimarySiloPort), cluster.ServiceId, cluster.ClusterId)
                .AddMemoryGrainStorage(GrainStorage.Name);
        }

        // Keys outlive the process in Azure storage, so an ephemeral KEK would lock them away at the next restart.
        silo.Services.AddSingleton<IValidateOptions<KeyRingOptions>, PersistentKekRequirement>();
        if (!tls.Enabled)
            silo.Services.AddHostedService<PlaintextClusterWarning>();
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        silo.ConfigureEndpoints(AdvertisedAddress(cluster.AdvertisedIP), cluster.SiloPort, cluster.GatewayPort,
            listenOnAnyHostAddress: cluster.ListenOnAnyAddress);
        return silo
            .UseAzureStorageClustering(options => options.TableServiceClient = new TableServiceClient(connectionString))
            .AddAzureTableGrainStorage(GrainStorage.Name, options => options.TableServiceClient = new TableServiceClient(connectionString));
    }

    private static void ApplyMembership(ClusterSettings cluster, ClusterMembershipOptions options)
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
