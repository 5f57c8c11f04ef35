using Azure.Data.Tables;
using BoostedGrains.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;

namespace Microsoft.Extensions.Hosting;

/// <summary>Connects an app server to the BoostedGrains cluster.</summary>
public static class BoostedTokensHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds an Orleans client for the cluster, or uses the co-hosted silo, and registers <see cref="IBoostedTokenProvider"/>.
    /// It finds the gateways from <c>Cluster__Gateways__N</c>, else from the membership table through the read-only
    /// <c>Cluster__MembershipTableSasUrl</c>, else through <c>Storage__AzureTableConnectionString</c>, else on localhost;
    /// over mutual TLS when <c>Tls__*</c> is set.
    /// </summary>
    public static IHostApplicationBuilder AddBoostedTokens(this IHostApplicationBuilder builder, Action<BoostedClientOptions>? configure = null)
    {
        var options = BoostedClientOptions.Bind(builder.Configuration);
        configure?.Invoke(options);
        options.Validated();
        builder.Services.TryAddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        if (!options.UseCoHostedSilo)
            builder.UseOrleansClient(client => Configure(client, options));
        builder.Services.TryAddSingleton(_ => SiloLossRetry.WithoutMembership(options.SiloLossRetryDelay));
        builder.Services.TryAddSingleton<IBoostedTokenProvider, ClusterBoostedTokenProvider>();
        return builder;
    }

    private static void Configure(IClientBuilder client, BoostedClientOptions options)
    {
        client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = options.ResponseTimeout);
        client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod);
        if (options.Tls.Enabled)
            client.UseClusterTls(options.Tls);
        var cluster = options.Cluster;
        if (cluster.Gateways.Count == 0 && cluster.MembershipTableSasUrl is null && !cluster.UsesAzureStorage)
        {
            client.UseLocalhostClustering([.. options.EffectiveGatewayPorts], cluster.ServiceId, cluster.ClusterId);
            return;
        }
        client.Configure<ClusterOptions>(orleans =>
        {
            orleans.ClusterId = cluster.ClusterId;
            orleans.ServiceId = cluster.ServiceId;
        });
        // App servers need no storage key: a fixed gateway list, or a read-only SAS of the membership table.
        if (cluster.Gateways.Count > 0)
            client.UseStaticClustering([.. cluster.GatewayEndpoints()]);
        else if (cluster.MembershipTableSasUrl is { } sas)
            client.Services.AddSingleton<IGatewayListProvider>(new MembershipTableGatewayList(sas, cluster.ClusterId, options.GatewayListRefreshPeriod));
        else
            client.UseAzureStorageClustering(azure => azure.TableServiceClient = new TableServiceClient(cluster.AzureTableConnectionString));
    }
}
