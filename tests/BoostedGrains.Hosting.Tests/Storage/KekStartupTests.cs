using System.Security.Cryptography;
using BoostedGrains.Hosting.Tests.Infrastructure;
using BoostedGrains.Keys;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Hosting.Tests.Storage;

/// <summary>With Azure storage the KEK is required, and a silo with the wrong KEK refuses to start and leaves the ring alone.</summary>
[Collection(HostingCollection.Name)]
public sealed class KekStartupTests(AzuriteServer azurite)
{
    [Fact]
    public async Task Missing_kek_with_azure_storage_fails_the_start_naming_the_settings()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        var settings = cluster.Settings.Silo(0);
        settings.Remove("KeyRing__Kek__Id");
        settings.Remove("KeyRing__Kek__Key");
        // Validation may fire while the host is built or as it starts; either way the silo never runs.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = await InProcessSilo.CreateAsync(settings);
            await app.StartAsync();
        });
        Assert.Contains("KeyRing__Kek__Id and KeyRing__Kek__Key must be set when Storage__AzureTableConnectionString is", error.Message);
        Assert.DoesNotContain(cluster.Settings.ConnectionString, error.Message);
    }

    [Fact]
    public async Task Wrong_kek_fails_the_start_and_leaves_the_ring_untouched()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();
        await cluster.StopSilosAsync();
        var before = Assert.Single(await GrainStateTable.RowsAsync(cluster.Settings.ConnectionString, cluster.Settings.ServiceId, "keyring"));

        foreach (var kekId in new[] { "kek-unknown", cluster.Settings.KekId })
        {
            // An unknown KEK id, and the right id with the wrong key: both refuse.
            var settings = cluster.Settings.Silo(0);
            settings["KeyRing__Kek__Id"] = kekId;
            settings["KeyRing__Kek__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            await using var app = await InProcessSilo.CreateAsync(settings);
            var error = await Assert.ThrowsAsync<KeyEncryptionKeyMismatchException>(() => app.StartAsync());
            Assert.Contains("KeyRing__Kek", error.Message);
            Assert.DoesNotContain(settings["KeyRing__Kek__Key"]!, error.Message);
        }

        var after = Assert.Single(await GrainStateTable.RowsAsync(cluster.Settings.ConnectionString, cluster.Settings.ServiceId, "keyring"));
        Assert.Equal(before.ETag, after.ETag);
        // The right KEK still reads the ring.
        await cluster.StartSilosAsync();
        Assert.Single(await cluster.Grains.GetKeyRing().ListKeysAsync());
    }
}
