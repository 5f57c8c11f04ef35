using BoostedGrains.Hosting.Tests.Infrastructure;
using BoostedGrains.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Hosting.Tests.Storage;

/// <summary>A production silo (Azure storage) without TLS starts, and says once, in plain words, what that exposes.</summary>
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
}
