using BoostedGrains.Hosting.Tests.Infrastructure;
using BoostedGrains.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Hosting.Tests.Storage;

/// <summary>
/// A production silo (Azure storage) without TLS starts, and says once, in plain words, what that exposes; its Orleans
/// ports listen on the advertised address only, unless Cluster__ListenOnAnyAddress asks for every address.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class PlaintextWarningTests(AzuriteServer azurite)
{
    [Fact]
    public async Task A_silo_on_azure_storage_without_tls_starts_and_warns_once()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        var log = new LogRecorder();
        await using var app = await InProcessSilo.CreateAsync(cluster.Settings.Silo(0));
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(log);

        await app.StartAsync();

        var warning = Assert.Single(log.Entries, e => e.Category == typeof(PlaintextClusterWarning).FullName);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith("TLS is off: this silo uses Azure storage, but no Tls__CertificatePath or Tls__CertificateSubject is set", warning.Message);
        await app.StopAsync();
    }

    [Fact]
    public async Task The_orleans_ports_listen_on_the_advertised_address_only()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();
        var ports = cluster.Settings.Silos[0];

        // Cluster__AdvertisedIP is 127.0.0.1; 127.0.0.2 is another address of this host (all of 127.0.0.0/8 is local).
        foreach (var port in new[] { ports.Silo, ports.Gateway })
        {
            using (var advertised = new System.Net.Sockets.TcpClient())
                await advertised.ConnectAsync("127.0.0.1", port);
            using var other = new System.Net.Sockets.TcpClient();
            var refused = await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => other.ConnectAsync("127.0.0.2", port));
            Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
    }

    [Fact]
    public async Task With_listen_on_any_address_the_orleans_ports_answer_on_another_address_too()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync(new Dictionary<string, string?> { ["Cluster__ListenOnAnyAddress"] = "true" });
        var ports = cluster.Settings.Silos[0];

        var listeners = System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners();
        foreach (var port in new[] { ports.Silo, ports.Gateway })
        {
            // Bound to the wildcard address, not to the advertised one: so another address of the host reaches it.
            Assert.Contains(listeners, l => l.Port == port && (l.Address.Equals(System.Net.IPAddress.Any) || l.Address.Equals(System.Net.IPAddress.IPv6Any)));
            using var other = new System.Net.Sockets.TcpClient();
            await other.ConnectAsync("127.0.0.2", port);
        }
    }
}
