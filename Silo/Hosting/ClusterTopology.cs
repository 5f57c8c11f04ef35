using System.Net;
using Azure.Data.Tables;
using BoostedGrains.Hosting;

namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// Chooses clustering and grain storage: Azure Table storage when <c>Storage__AzureTableConnectionString</c> is set,
/// otherwise localhost clustering and in-memory state (the embedded default).
/// </summary>
public static class ClusterTopology
{
    /// <summary>Configures membership, endpoints and grain storage of <paramref name="silo"/>.</summary>
    public static ISiloBuilder UseBoostedTopology(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
        var connectionString = configuration["Storage:AzureTableConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return silo
                .UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort,
                    new IPEndPoint(IPAddress.Loopback, cluster.PrimarySiloPort), cluster.ServiceId, cluster.ClusterId)
                .AddMemoryGrainStorage(GrainStorage.Name);
        }

        silo.Configure<Orleans.Configuration.ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        silo.ConfigureEndpoints(
            string.IsNullOrWhiteSpace(cluster.AdvertisedIP) ? IPAddress.Loopback : IPAddress.Parse(cluster.AdvertisedIP),
            cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !string.IsNullOrWhiteSpace(cluster.AdvertisedIP));
        return silo
            .UseAzureStorageClustering(options => options.TableServiceClient = new TableServiceClient(connectionString))
            .AddAzureTableGrainStorage(GrainStorage.Name, options => options.TableServiceClient = new TableServiceClient(connectionString));
    }
}
