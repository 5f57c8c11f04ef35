using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BoostedGrains.Silo.Health;

/// <summary>
/// Ready while Azure Table storage (grain state and membership) answers: a silo that cannot read or write state cannot
/// activate the grains it is asked for. Asks for one page of the table list, at most once per
/// <see cref="CacheFor"/> however often the probe comes. Healthy without a question when state is kept in memory.
/// </summary>
public sealed class StorageReachableHealthCheck(TableServiceClient? tables, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim _asking = new(1, 1);
    private (DateTimeOffset At, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (tables is null)
            return HealthCheckResult.Healthy("Grain state is kept in memory.");
        await _asking.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last && time.GetUtcNow() - last.At < CacheFor)
                return last.Result;
            var result = await AskAsync(tables, cancellationToken);
            _last = (time.GetUtcNow(), result);
            return result;
        }
        finally
        {
            _asking.Release();
        }
    }

    private static async Task<HealthCheckResult> AskAsync(TableServiceClient tables, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token).AsPages())
                break;
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is Azure.RequestFailedException or OperationCanceledException or HttpRequestException or AggregateException)
        {
            // The exception message may name the account; only its type goes into the health report.
            return HealthCheckResult.Unhealthy($"Azure Table storage did not answer ({e.GetType().Name}): check Storage__AzureTableConnectionString and the storage service.");
        }
    }
}
