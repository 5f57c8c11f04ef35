using BoostedGrains.Keys;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>What to start: silos (real <c>SiloApp</c> hosts), external clients, and the emulator playing Boosted.</summary>
/// <param name="MaxQueuedRequests"><c>Boosted__MaxQueuedRequests</c>; null keeps the product default.</param>
/// <param name="PersistTokens"><c>Tokens__Persist</c>.</param>
/// <param name="UserIdleDeactivation">
/// The user grains' collection age, with a 1 s collection quantum: set below the 1-minute floor of
/// <c>Tokens__IdleDeactivation</c> to compress time; null keeps the product default.
/// </param>
public sealed record ClusterSpec(
    int Silos,
    int Clients,
    KeyAlgorithm Algorithm,
    int BoostedLatencyMs,
    int TokenLifetimeSeconds = 3600,
    int? MaxQueuedRequests = null,
    bool PersistTokens = true,
    TimeSpan? UserIdleDeactivation = null);
