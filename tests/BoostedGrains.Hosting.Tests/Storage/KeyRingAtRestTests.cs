using System.Buffers.Text;
using System.Security.Cryptography;
using Azure.Data.Tables;
using BoostedGrains.Hosting.Tests.Infrastructure;
using BoostedGrains.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Hosting.Tests.Storage;

/// <summary>The key ring's rows in Azure Table storage hold private keys only encrypted; an imported key signs at once.</summary>
[Collection(HostingCollection.Name)]
public sealed class KeyRingAtRestTests(AzuriteServer azurite)
{
    [Fact]
    public async Task Imported_key_signs_at_once_and_its_private_half_is_never_stored_in_the_clear()
    {
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        var parameters = rsa.ExportParameters(includePrivateParameters: true);
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        // Boosted already has this key, so the operator forces it past the wait for the public URL: it signs the very first exchange.
        await cluster.StartSilosAsync(new Dictionary<string, string?>
        {
            ["KeyRing__Import__Pem"] = pem, ["KeyRing__Import__Kid"] = "partner-key-1", ["KeyRing__Import__Force"] = "true",
        });

        var signing = cluster.Silos[0].App.Services.GetRequiredService<SigningKeyCache>().GetSigningKey();
        Assert.Equal("partner-key-1", signing.Kid);
        await cluster.Grains.GetUserTokenGrain("at-rest-user").GetAccessTokenAsync();
        Assert.Equal(1, cluster.Emulator.GetStats().Exchanges.Values.Sum() - ManagementExchanges(cluster));

        var rows = await GrainStateTable.RowsAsync(cluster.Settings.ConnectionString, cluster.Settings.ServiceId, "keyring");
        var row = Assert.Single(rows);
        var stored = GrainStateTable.Dump(row);
        // The row is the ring: the public modulus and the KEK id are there ...
        Assert.Contains(Base64Url.EncodeToString(parameters.Modulus!), stored.Text);
        Assert.Contains(cluster.Settings.KekId, stored.Text);
        // ... and no form of the private key is: not the PEM, not PKCS#8 (DER or base64), not d, p or q (raw, base64, base64url).
        var pkcs8 = rsa.ExportPkcs8PrivateKey();
        Assert.DoesNotContain("PRIVATE KEY", stored.Text);
        Assert.DoesNotContain(pem.Split('\n')[1], stored.Text);
        foreach (var secret in new[] { pkcs8, parameters.D!, parameters.P!, parameters.Q! })
        {
            ByteAssert.DoesNotContain(secret, stored.Bytes);
            Assert.DoesNotContain(Convert.ToBase64String(secret)[..40], stored.Text);
            Assert.DoesNotContain(Base64Url.EncodeToString(secret)[..40], stored.Text);
        }
    }

    private static long ManagementExchanges(StorageCluster cluster) =>
        cluster.Emulator.GetStats().Exchanges.GetValueOrDefault(cluster.Settings.ClientId);
}
