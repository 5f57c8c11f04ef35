namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>What a <see cref="LoadRun"/> saw; times are milliseconds on the run's clock, -1 when it never happened.</summary>
internal sealed record LoadResult(long Calls, long Retries, long Failed, long LastFirstFailureMs, long LastRetryDoneMs, IReadOnlyList<string> Errors)
{
    public override string ToString() =>
        $"calls {Calls}, retried {Retries}, failed after retry {Failed}, last first-attempt failure at {LastFirstFailureMs} ms, "
        + $"last retried call done at {LastRetryDoneMs} ms; errors: {(Errors.Count == 0 ? "none" : string.Join("; ", Errors))}";
}
