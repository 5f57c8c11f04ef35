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

    /// <summary>The row of one grain's state: its grain type and the key as the grain storage wrote it.</summary>
    public static async Task<TableEntity> RowAsync(string connectionString, string serviceId, string grainType, string storedKey)
    {
        var rows = await RowsAsync(connectionString, serviceId, grainType);
        return rows.Single(r => r.PartitionKey.EndsWith($"{grainType}_{storedKey}", StringComparison.Ordinal));
    }

    /// <summary>Writes <paramref name="row"/> over what is stored, as a storage writer outside the silos does.</summary>
    public static Task ReplaceAsync(string connectionString, TableEntity row) =>
        new TableServiceClient(connectionString).GetTableClient(TableName).UpdateEntityAsync(row, Azure.ETag.All, TableUpdateMode.Replace);

    /// <summary>A copy of <paramref name="row"/> with every occurrence of <paramref name="from"/> in its binary data replaced by <paramref name="to"/> (same length).</summary>
    public static TableEntity Edit(TableEntity row, byte[] from, byte[] to)
    {
        Assert.Equal(from.Length, to.Length);
        Assert.False(from.AsSpan().SequenceEqual(to));
        var edited = new TableEntity(row);
        var found = 0;
        foreach (var (name, value) in row)
        {
            var bytes = value switch { byte[] b => (byte[])b.Clone(), BinaryData d => d.ToArray(), _ => null };
            if (bytes is null)
                continue;
            int at;
            while ((at = bytes.AsSpan().IndexOf(from)) >= 0)
            {
                to.CopyTo(bytes, at);
                found++;
            }
            edited[name] = bytes;
        }
        Assert.True(found > 0, "The row does not hold the bytes to edit.");
        return edited;
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
