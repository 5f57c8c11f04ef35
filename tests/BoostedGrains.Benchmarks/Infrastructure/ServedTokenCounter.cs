using System.Diagnostics.Metrics;
using BoostedGrains.Diagnostics;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>
/// Listens to the silos' own <c>boostedgrains.tokens.served</c> counter (the silos run in this process) to learn how
/// many user-token calls waited for an exchange, as the product itself reports it. Given meter scopes (a cluster's
/// <see cref="BenchCluster.MeterScopes"/>), it counts only those silos, so clusters can run side by side.
/// </summary>
public sealed class ServedTokenCounter : IDisposable
{
    private const string InstrumentName = "boostedgrains.tokens.served";

    private readonly MeterListener _listener = new();
    private long _hit;
    private long _waited;

    public ServedTokenCounter(IReadOnlyList<object>? scopes = null)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == BoostedGrainsMetrics.MeterName && instrument.Name == InstrumentName
                && (scopes is null || scopes.Contains(instrument.Meter.Scope)))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public (long Hit, long Waited) Snapshot() => (Interlocked.Read(ref _hit), Interlocked.Read(ref _waited));

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? kind = null, outcome = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "kind")
                kind = tag.Value as string;
            else if (tag.Key == "outcome")
                outcome = tag.Value as string;
        }
        if (kind != "user")
            return;
        if (outcome == "waited")
            Interlocked.Add(ref _waited, value);
        else
            Interlocked.Add(ref _hit, value);
    }
}
