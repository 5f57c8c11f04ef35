using Azure.Data.Tables;
using Orleans.Messaging;

namespace BoostedGrains.Client;

/// <summary>
/// Finds the cluster's gateways by reading the Orleans membership table through a read-only table SAS. Orleans' own Azure
/// gateway list first creates the table if it is missing, which a read-only SAS may not do (403), so app servers would
/// need the account key; this one only queries the rows of live gateways, as Orleans' does.
/// </summary>
internal sealed class MembershipTableGatewayList(Uri sasUrl, string clusterId, TimeSpan refreshPeriod) : IGatewayListProvider
{
    private readonly TableClient _table = new(sasUrl);

    public TimeSpan MaxStaleness => refreshPeriod;

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public async Task<IList<Uri>> GetGateways()
    {
        var gateways = new List<Uri>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {clusterId} and Status eq {"Active"} and ProxyPort ne {"0"}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["Address", "ProxyPort", "Generation"]))
        {
            // The same form Orleans' own list gives: gwy.tcp://IP:port/generation.
            if (row.GetString("Address") is { } address && int.TryParse(row.GetString("ProxyPort"), out var port))
                gateways.Add(new Uri($"gwy.tcp://{address}:{port}/{(int.TryParse(row.GetString("Generation"), out var generation) ? generation : 0)}"));
        }
        return gateways;
    }
}
