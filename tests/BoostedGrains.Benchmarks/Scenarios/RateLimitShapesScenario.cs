using System.Diagnostics;
using System.Diagnostics.Metrics;
using BoostedGrains.Benchmarks.Infrastructure;
using BoostedGrains.Benchmarks.Reporting;
using BoostedGrains.Diagnostics;
using BoostedGrains.Emulator;
using BoostedGrains.Keys;
using BoostedGrains.Tokens;

namespace BoostedGrains.Benchmarks.Scenarios;

/// <summary>
/// Row 9: how much of an unknown Boosted rate limit two silos on product defaults fill, for each limiter shape the
/// emulator offers: a storm of new users (each a user create, then an exchange) on a cluster in service, counted from
/// the storm's first request to its last answer. Only token requests count against the limit.
/// </summary>
public static class RateLimitShapesScenario
{
    private const double Limit = 25;
    private const int ConcurrencyCap = 5;
    private const int CapLatencyMs = 200;
    private const int Burst = 50;
    private const int WarmUsers = 10;

    /// <summary>A limiter shape, what the emulator is set to, and the capacity it offers over a storm of a given length.</summary>
    private sealed record Shape(string Name, EmulatorFaults Faults, Func<double, double> Capacity, Func<BenchCluster, Stopwatch, Task>? During = null);

    public static async Task RunAsync(BenchSettings settings, Report report, int runs, int users, IReadOnlySet<string>? only = null)
    {
        Shape[] shapes =
        [
            new("fixed window per wall-clock second, Retry-After: 1", new EmulatorFaults { RateLimitPerSecond = Limit, RateLimitShape = EmulatorRateLimitShape.FixedWindow },
                d => Limit * (d + 1)),
            new($"token bucket with a burst of {Burst}", new EmulatorFaults { RateLimitPerSecond = Limit, RateLimitBurst = Burst },
                d => Limit * d + Burst),
            new("sliding one-second window", new EmulatorFaults { RateLimitPerSecond = Limit, RateLimitShape = EmulatorRateLimitShape.SlidingWindow },
                d => Limit * (d + 1)),
            new($"concurrency cap {ConcurrencyCap} in flight, {CapLatencyMs} ms answers", new EmulatorFaults { MaxConcurrentTokenRequests = ConcurrencyCap, LatencyMs = CapLatencyMs },
                d => ConcurrencyCap * 1000.0 / CapLatencyMs * d),
            new("fixed window, 429 without Retry-After", new EmulatorFaults { RateLimitPerSecond = Limit, RateLimitShape = EmulatorRateLimitShape.FixedWindow, SendRetryAfter = false },
                d => Limit * (d + 1)),
            new("fixed window, 25/s, 12/s from 5 s, 25/s from 10 s", new EmulatorFaults { RateLimitPerSecond = Limit, RateLimitShape = EmulatorRateLimitShape.FixedWindow },
                d => Limit * (Math.Min(d, 5) + 1) + 12 * Math.Clamp(d - 5, 0, 5) + Limit * Math.Max(0, d - 10),
                During: async (cluster, clock) =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(5) - clock.Elapsed);
                    cluster.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = 12, RateLimitShape = EmulatorRateLimitShape.FixedWindow });
                    await Task.Delay(TimeSpan.FromSeconds(10) - clock.Elapsed);
                    cluster.Emulator.SetFaults(new EmulatorFaults { RateLimitPerSecond = Limit, RateLimitShape = EmulatorRateLimitShape.FixedWindow });
                }),
        ];
        for (var s = 0; s < shapes.Length; s++)
        {
            if (only is not null && !only.Contains((s + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))
                continue;
            var shape = shapes[s];
            var utilization = new List<double>();
            var perSuccess = new List<double>();
            var details = new List<string>();
            for (var run = 0; run < runs; run++)
            {
                Console.WriteLine($"Row 9: {shape.Name}, run {run + 1} of {runs}...");
                var result = await StormAsync(settings, shape, users);
                utilization.Add(result.Utilization);
                perSuccess.Add(result.PerSuccess);
                details.Add(result.Detail);
                Console.WriteLine($"  {result.Detail}");
            }
            report.Row("9", $"{users} new users at once on 2 silos, Boosted limit unknown to them: {shape.Name}",
                $"utilization min / median / max {Format.Spread(utilization)}; 429 per success {Format.Spread(perSuccess)}",
                "goal ≥ 0.90 in every run, ≤ 0.05 × 429 per success", Format.Ratio(utilization.Min()));
            report.Note($"Row 9, {shape.Name}: " + string.Join("; ", details));
        }
    }

    private sealed record StormResult(double Utilization, double PerSuccess, string Detail);

    private static async Task<StormResult> StormAsync(BenchSettings settings, Shape shape, int userCount)
    {
        await using var cluster = await BenchCluster.StartAsync(new ClusterSpec(2, 1, KeyAlgorithm.ES256, BoostedLatencyMs: 0));
        // In service: the management tokens, the organization and the default workspace exist, the code is compiled.
        await UserGrains.FetchAllAsync(cluster.Client, Enumerable.Range(0, WarmUsers).Select(i => $"warm-{i}-{Guid.NewGuid():N}"));
        using var perSilo = new SiloExchanges(cluster.MeterScopes);
        var users = Enumerable.Range(0, userCount).Select(i => $"shape-{i}-{Guid.NewGuid():N}").ToArray();
        var before = cluster.Emulator.GetStats();
        cluster.Emulator.SetFaults(shape.Faults);

        var clock = Stopwatch.StartNew();
        perSilo.Start(clock);
        var during = shape.During?.Invoke(cluster, clock) ?? Task.CompletedTask;
        var calls = users.Select(async u =>
        {
            try
            {
                await cluster.Client.GetUserTokenGrain(u).GetAccessTokenAsync();
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }).ToArray();
        var storm = Task.WhenAll(calls);
        if (Environment.GetEnvironmentVariable("BENCH_TRACE_RATES") is not null)
        {
            while (!storm.IsCompleted)
            {
                perSilo.Sample();
                await Task.WhenAny(storm, Task.Delay(500));
            }
            Console.WriteLine("  rates: " + string.Join(' ', perSilo.Rates));
        }
        var served = (await storm).Count(ok => ok);
        var duration = clock.Elapsed.TotalSeconds;
        await during;
        var after = cluster.Emulator.GetStats();
        cluster.Emulator.SetFaults(new EmulatorFaults());

        var accepted = cluster.UserExchanges() - before.Exchanges.Where(e => e.Key != BenchCluster.ClientId).Sum(e => e.Value);
        var limited = after.Failures.GetValueOrDefault("rate_limited") - before.Failures.GetValueOrDefault("rate_limited");
        var utilization = accepted / shape.Capacity(duration);
        var perSuccess = accepted == 0 ? double.PositiveInfinity : (double)limited / accepted;
        var silos = perSilo.Summary(duration);
        return new StormResult(utilization, perSuccess,
            $"{Format.Ratio(utilization)} ({accepted} accepted, {limited} × 429, {served}/{userCount} served, {duration:N1} s; {silos})");
    }

    /// <summary>Each silo's successful exchanges and when its last one was, from its own <c>boostedgrains.exchanges</c> counter.</summary>
    private sealed class SiloExchanges : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly IReadOnlyList<object> _scopes;
        private readonly long[] _counts;
        private readonly double[] _last;
        private Stopwatch? _clock;

        public SiloExchanges(IReadOnlyList<object> scopes)
        {
            _scopes = scopes;
            _counts = new long[scopes.Count];
            _last = new double[scopes.Count];
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == BoostedGrainsMetrics.MeterName && instrument.Name is "boostedgrains.exchanges" or "boostedgrains.boosted.rate"
                    && scopes.Contains(instrument.Meter.Scope))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                if (_clock is null)
                    return;
                foreach (var tag in tags)
                {
                    if (tag.Key == "outcome" && tag.Value as string != "success")
                        return;
                }
                var silo = IndexOf(instrument.Meter.Scope);
                lock (_counts)
                {
                    _counts[silo] += value;
                    _last[silo] = _clock.Elapsed.TotalSeconds;
                }
            });
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "api" && tag.Value as string == "token")
                        Rates.Add($"{IndexOf(instrument.Meter.Scope)}:{value:N0}");
                }
            });
            _listener.Start();
        }

        /// <summary>Each silo's token rate, sampled by <see cref="Sample"/> (for tracing, with BENCH_TRACE_RATES set).</summary>
        public List<string> Rates { get; } = [];

        public void Sample()
        {
            Rates.Add($"| {_clock?.Elapsed.TotalSeconds:N1}s");
            _listener.RecordObservableInstruments();
        }

        public void Start(Stopwatch clock) => _clock = clock;

        public string Summary(double duration)
        {
            lock (_counts)
                return "per silo: " + string.Join(", ", _counts.Select((c, i) => $"{c} exchanges, last at {_last[i] / duration:P0}"));
        }

        public void Dispose() => _listener.Dispose();

        private int IndexOf(object? scope)
        {
            for (var i = 0; i < _scopes.Count; i++)
            {
                if (ReferenceEquals(_scopes[i], scope))
                    return i;
            }
            return 0;
        }
    }
}
