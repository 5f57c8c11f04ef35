using BoostedGrains.Tokens;

namespace BoostedGrains.Benchmarks.Baselines;

/// <summary>The baselines of row 1: grain calls that do nothing, on the same cluster as the token grains.</summary>
public interface INoopGrain : IGrainWithStringKey
{
    Task PingAsync();

    /// <summary>Keeps <paramref name="token"/>, for <see cref="AnswerAsync"/> to hand out.</summary>
    Task HoldAsync(AccessToken token);

    /// <summary>The token given to <see cref="HoldAsync"/>: a call that answers what a warm token call answers, and does nothing else.</summary>
    Task<AccessToken> AnswerAsync();
}
