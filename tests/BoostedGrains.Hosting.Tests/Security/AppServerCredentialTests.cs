using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Sas;
using BoostedGrains.Client;
using BoostedGrains.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Hosting.Tests.Security;

/// <summary>
/// An app server holds no storage account key: on real Azurite, a client that finds the gateways through a read-only
/// SAS of the membership table (or a fixed gateway list) gets tokens, and that SAS cannot write a row.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class AppServerCredentialTests(AzuriteServer azurite)
{
    private const string MembershipTable = "OrleansSiloInstances";

    [Fact]
    public async Task A_client_with_a_read_only_membership_SAS_connects_and_gets_a_token()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();

        using var appServer = await StartAppServerAsync(cluster, new() { ["Cluster:MembershipTableSasUrl"] = ReadOnlySas().ToString() });
        var token = await appServer.Services.GetRequiredService<IBoostedTokenProvider>().GetTokenAsync("sas-user");

        Assert.Equal("thread", token.Scope);
        await appServer.StopAsync();
    }

    [Fact]
    public async Task A_client_with_a_static_gateway_list_connects_and_gets_a_token()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();

        using var appServer = await StartAppServerAsync(cluster, new() { ["Cluster:Gateways:0"] = $"127.0.0.1:{cluster.Settings.Silos[0].Gateway}" });
        var token = await appServer.Services.GetRequiredService<IBoostedTokenProvider>().GetTokenAsync("static-user");

        Assert.Equal("thread", token.Scope);
        await appServer.StopAsync();
    }

    [Fact]
    public async Task The_read_only_membership_SAS_cannot_insert_update_or_delete_a_row_nor_create_a_table()
    {
        await using var cluster = await StorageCluster.StartEmulatorAsync(azurite, silos: 1);
        await cluster.StartSilosAsync();
        var table = new TableClient(ReadOnlySas());
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey == cluster.Settings.ClusterId))
            rows.Add(row);
        var silo = Assert.Single(rows, r => r.GetString("Status") == "Active");
        var before = rows.Select(r => (r.RowKey, r.GetString("ProxyPort"))).Order().ToList();

        var insert = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity(cluster.Settings.ClusterId, "forged-silo") { ["Status"] = "Active" }));
        silo["ProxyPort"] = "1";
        var update = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(silo, silo.ETag, TableUpdateMode.Replace));
        var upsert = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpsertEntityAsync(silo));
        var delete = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteEntityAsync(silo.PartitionKey, silo.RowKey));
        var create = await Assert.ThrowsAsync<RequestFailedException>(() => table.CreateIfNotExistsAsync());

        Assert.Equal([403, 403, 403, 403, 403], new[] { insert.Status, update.Status, upsert.Status, delete.Status, create.Status });
        // Nothing changed: the silo's row is as it was, and no row was added.
        var after = new List<TableEntity>();
        await foreach (var row in new TableServiceClient(azurite.ConnectionString).GetTableClient(MembershipTable).QueryAsync<TableEntity>(r => r.PartitionKey == cluster.Settings.ClusterId))
            after.Add(row);
        Assert.Equal(before, after.Select(r => (r.RowKey, r.GetString("ProxyPort"))).Order());
    }

    // What an operator hands an app server: read (query) permission on the membership table only, from the account key.
    private Uri ReadOnlySas() =>
        new TableClient(azurite.ConnectionString, MembershipTable).GenerateSasUri(new TableSasBuilder(MembershipTable, TableSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)));

    private static async Task<IHost> StartAppServerAsync(StorageCluster cluster, Dictionary<string, string?> discovery)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:ClusterId"] = cluster.Settings.ClusterId,
            ["Cluster:ServiceId"] = cluster.Settings.ServiceId,
            // No Storage:AzureTableConnectionString: this app server has no account key.
        });
        builder.Configuration.AddInMemoryCollection(discovery);
        builder.AddBoostedTokens();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
