using BoostedGrains.Keys;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>What to start: silos (real <c>SiloApp</c> hosts), external clients, and the emulator playing Boosted.</summary>
/// <param name="MaxQueuedRequests"><c>Boosted__MaxQueuedRequests</c>; null keeps the product default.</param>
public sealed record ClusterSpec(
    int Silos,
    int Clients,
    KeyAlgorithm Algorithm,
    int BoostedLatencyMs,
    int TokenLifetimeSeconds = 3600,
    int? MaxQueuedRequests = null);
