using Orleans.Concurrency;

namespace BoostedGrains.Benchmarks.Baselines;

/// <summary>Reentrant like <c>UserTokenGrain</c>, so both are scheduled the same way and only the work differs.</summary>
[Reentrant]
public sealed class NoopGrain : Grain, INoopGrain
{
    public Task PingAsync() => Task.CompletedTask;
}
