namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>Calls completed over a measured time, with every call's latency.</summary>
public sealed class LoadResult
{
    private readonly List<long> _latencyTicks = [];
    private bool _sorted;

    public long Calls { get; private set; }
    public long Errors { get; private set; }
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Managed bytes the whole process allocated while measuring (client, silo and load alike).</summary>
    public long AllocatedBytes { get; private set; }

    public double BytesPerCall => Calls == 0 ? double.NaN : (double)AllocatedBytes / Calls;

    public double PerSecond => Calls / Elapsed.TotalSeconds;
    public double P50Ms => Percentile(0.50);
    public double P99Ms => Percentile(0.99);

    public void Add(TimeSpan elapsed, long errors, IEnumerable<List<long>> latencies, long allocatedBytes)
    {
        Elapsed += elapsed;
        AllocatedBytes += allocatedBytes;
        Errors += errors;
        foreach (var worker in latencies)
        {
            Calls += worker.Count;
            _latencyTicks.AddRange(worker);
        }
        _sorted = false;
    }

    public string Describe(string unit) => $"{Format.Rate(PerSecond)} {unit}/s, p50 {Format.Ms(P50Ms)}, p99 {Format.Ms(P99Ms)}, {Format.Bytes(BytesPerCall)} allocated per call"
        + (Errors > 0 ? $", {Errors:N0} errors" : "");

    private double Percentile(double p)
    {
        if (_latencyTicks.Count == 0)
            return double.NaN;
        if (!_sorted)
        {
            _latencyTicks.Sort();
            _sorted = true;
        }
        var index = (int)Math.Min(_latencyTicks.Count - 1, Math.Ceiling(p * _latencyTicks.Count) - 1);
        return _latencyTicks[Math.Max(0, index)] * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
    }
}
