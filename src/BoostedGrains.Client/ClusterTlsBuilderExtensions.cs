using BoostedGrains.Client;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Orleans.Hosting;

/// <summary>Mutual TLS on the Orleans ports, from <see cref="ClusterTlsOptions"/>: the same settings on silos and clients.</summary>
public static class ClusterTlsBuilderExtensions
{
    /// <summary>
    /// Silo-to-silo and gateway connections speak mutual TLS. The silo port accepts only silos' certificates (the silo
    /// URI, <c>Tls__SiloUri</c>); the gateway accepts any certificate of the trusted CA (app servers').
    /// </summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, ClusterTlsOptions options)
    {
        var tls = new ClusterTls(options, silo: true);
        var siloPeers = tls.Apply(new TlsOptions(), siloPeer: true);
        var clients = tls.Apply(new TlsOptions(), siloPeer: false);
        return silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(siloPeers));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(siloPeers));
            connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(clients));
        });
    }

    /// <summary>Gateway connections speak mutual TLS; the gateway must present a silo's certificate (the silo URI).</summary>
    public static IClientBuilder UseClusterTls(this IClientBuilder client, ClusterTlsOptions options)
    {
        // Built here, not inside the callback, so that a bad setting fails at the call rather than at connection time.
        var tls = new ClusterTls(options, silo: false);
        return client.UseTls(configure => tls.Apply(configure, siloPeer: true));
    }
}
