using System.Text;
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

    /// <summary>Every property of the row: binary values as they are, strings as UTF-8, and all of it as text.</summary>
    public static (byte[] Bytes, string Text) Dump(TableEntity row)
    {
        var bytes = new List<byte>();
        foreach (var value in row.Select(p => p.Value))
        {
            bytes.AddRange(value switch
            {
                byte[] binary => binary,
                BinaryData data => data.ToArray(),
                string text => Encoding.UTF8.GetBytes(text),
                _ => Encoding.UTF8.GetBytes(value?.ToString() ?? ""),
            });
            bytes.Add(0);
        }
        var all = bytes.ToArray();
        return (all, Encoding.UTF8.GetString(all));
    }
}
