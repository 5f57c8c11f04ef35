using BoostedGrains.Testing;
using Azure.Data.Tables;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>The cluster's membership as Orleans' Azure Table clustering stores it: who was declared dead, and when it was seen.</summary>
internal sealed class MembershipTable(string connectionString, string clusterId)
{
    private const string TableName = "OrleansSiloInstances";
    private readonly TableClient _table = new TableServiceClient(connectionString).GetTableClient(TableName);

    /// <summary>Silo ports whose entry says Dead.</summary>
    public async Task<IReadOnlyList<int>> DeadPortsAsync()
    {
        var dead = new List<int>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == clusterId))
        {
            if (row.GetString("Status") == "Dead" && int.TryParse(row.GetString("Port"), out var port))
                dead.Add(port);
        }
        return dead;
    }

    /// <summary>Silo entries that hold at least one suspicion vote (a silo that missed enough probes of another).</summary>
    public async Task<int> SuspectedCountAsync()
    {
        var suspected = 0;
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == clusterId))
        {
            if (!string.IsNullOrEmpty(row.GetString("SuspectingSilos")))
                suspected++;
        }
        return suspected;
    }

    /// <summary>Polls until the silo on <paramref name="siloPort"/> is declared dead; fails after <paramref name="timeout"/>.</summary>
    public Task WaitDeadAsync(int siloPort, TimeSpan timeout) =>
        Eventually.TrueAsync(async () => (await DeadPortsAsync()).Contains(siloPort), $"the silo on port {siloPort} is declared dead", timeout);
}
