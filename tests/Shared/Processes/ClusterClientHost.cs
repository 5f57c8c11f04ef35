using Azure.Data.Tables;
using BoostedGrains.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace BoostedGrains.Testing;

/// <summary>An app server's Orleans client: Azure Table clustering, finding the silos' gateways in the membership table.</summary>
internal sealed class ClusterClientHost : IAsyncDisposable
{
    /// <summary>
    /// A call to a silo that was killed otherwise hangs for the default 30 s: callers should fail and retry well within
    /// the time membership needs to declare the silo dead.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(3);

    private readonly IHost _host;

    private ClusterClientHost(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<ClusterClientHost> StartAsync(TopologySettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client
            .UseAzureStorageClustering(options => options.TableServiceClient = new TableServiceClient(settings.ConnectionString))
            .Configure<ClusterOptions>(options =>
            {
                options.ClusterId = settings.ClusterId;
                options.ServiceId = settings.ServiceId;
            })
            .Configure<ClientMessagingOptions>(options => options.ResponseTimeout = ResponseTimeout)
            // A joining silo's gateway is found within this period.
            .Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2)));
        // The tests also inspect placement through Orleans' management grain, which refuses app servers: holding the
        // cluster's KEK, this client proves its calls as a silo does (an operator's tool, not an app server).
        builder.Services.Configure<KeyRingOptions>(options => options.Kek = new KekOptions { Id = settings.KekId, Key = settings.KekKey });
        builder.Services.AddSiloCallProof(refuseUnproven: false);
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterClientHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _host.StopAsync(cts.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
