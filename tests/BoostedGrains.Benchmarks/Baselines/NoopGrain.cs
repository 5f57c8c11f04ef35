using BoostedGrains.Tokens;
using Orleans.Concurrency;

namespace BoostedGrains.Benchmarks.Baselines;

/// <summary>Reentrant like <c>UserTokenGrain</c>, so both are scheduled the same way and only the work differs.</summary>
[Reentrant]
public sealed class NoopGrain : Grain, INoopGrain
{
    // A completed task, as the user grain keeps its token: the answer costs no allocation on the silo.
    private Task<AccessToken>? _answer;

    public Task PingAsync() => Task.CompletedTask;

    public Task HoldAsync(AccessToken token)
    {
        _answer = Task.FromResult(token);
        return Task.CompletedTask;
    }

    public Task<AccessToken> AnswerAsync() => _answer ?? throw new InvalidOperationException("HoldAsync first.");
}
