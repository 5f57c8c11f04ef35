using Azure.Data.Tables;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>The raw rows Orleans' Azure Table grain storage wrote for one service, read with <c>Azure.Data.Tables</c>.</summary>
internal static class GrainStateTable
{
    // Orleans' default table name for AzureTableGrainStorage.
    private const string TableName = "OrleansGrainState";

    public static async Task<List<TableEntity>> RowsAsync(string connectionString, string serviceId, string grainKind)
    {
        var table = new TableServiceClient(connectionString).GetTableClient(TableName);
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            if (row.PartitionKey.StartsWith(serviceId, StringComparison.Ordinal) && row.PartitionKey.Contains(grainKind, StringComparison.OrdinalIgnoreCase))
                rows.Add(row);
        }
        return rows;
    }
}
