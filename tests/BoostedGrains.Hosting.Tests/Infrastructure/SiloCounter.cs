using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>Sums one counter's measurements made by the given silo hosts only (told apart by their <see cref="IMeterFactory"/>), from now on.</summary>
internal sealed class SiloCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(long Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

    public SiloCounter(IEnumerable<IServiceProvider> silos, string instrument)
    {
        var scopes = silos.Select(silo => (object)silo.GetRequiredService<IMeterFactory>()).ToHashSet();
        _listener.InstrumentPublished = (candidate, listener) =>
        {
            if (candidate.Name == instrument && candidate.Meter.Scope is { } scope && scopes.Contains(scope))
                listener.EnableMeasurementEvents(candidate);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (_measurements)
                _measurements.Add((value, tags.ToArray()));
        });
        _listener.Start();
    }

    /// <summary>The sum of the measurements with this tag.</summary>
    public long Sum(string key, string value)
    {
        lock (_measurements)
            return _measurements.Where(m => m.Tags.Any(tag => tag.Key == key && Equals(tag.Value, value))).Sum(m => m.Value);
    }

    public void Dispose() => _listener.Dispose();
}
