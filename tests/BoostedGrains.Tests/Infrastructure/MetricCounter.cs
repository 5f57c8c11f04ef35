using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Tests.Infrastructure;

/// <summary>
/// Sums one counter's measurements made by one cluster's silos only (meters are told apart by the silo's
/// <see cref="IMeterFactory"/>), so clusters of other test classes running at the same time do not count.
/// </summary>
public sealed class MetricCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly HashSet<object> _scopes;
    private readonly List<(long Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

    public MetricCounter(BoostedCluster cluster, string instrument)
        : this(cluster.Cluster.Silos.Select(silo => silo.ServiceProvider), instrument)
    {
    }

    /// <summary>The same for the silo hosts with these services.</summary>
    public MetricCounter(IEnumerable<IServiceProvider> silos, string instrument)
    {
        _scopes = silos.Select(silo => (object)silo.GetRequiredService<IMeterFactory>()).ToHashSet();
        _listener.InstrumentPublished = (candidate, listener) =>
        {
            if (candidate.Name == instrument && candidate.Meter.Scope is { } scope && _scopes.Contains(scope))
                listener.EnableMeasurementEvents(candidate);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (_measurements)
                _measurements.Add((value, tags.ToArray()));
        });
        _listener.Start();
    }

    /// <summary>The sum of the measurements whose tags include every given tag.</summary>
    public long Sum(params (string Key, string Value)[] tags)
    {
        lock (_measurements)
            return _measurements
                .Where(m => tags.All(t => m.Tags.Any(tag => tag.Key == t.Key && Equals(tag.Value, t.Value))))
                .Sum(m => m.Value);
    }

    public void Dispose() => _listener.Dispose();
}
