using BoostedGrains.Benchmarks.Infrastructure;

namespace BoostedGrains.Benchmarks.Scenarios;

/// <summary>What one row 4 contender cost Boosted and its callers over the measured lifetimes.</summary>
public sealed record SteadyResult(long Exchanges, long ActiveUserLifetimes, long Calls, long Waited, long Errors, string ErrorKinds)
{
    public double ExchangesPerActiveUserLifetime => (double)Exchanges / ActiveUserLifetimes;

    public double WaitedShare => Calls == 0 ? double.NaN : (double)Waited / Calls;

    public string Describe() =>
        $"{Format.Ratio(ExchangesPerActiveUserLifetime)} exchanges per active user per lifetime, {WaitedShare:P1} of calls waited on Boosted"
        + (Errors > 0 ? $", FAILED: {ErrorKinds}" : "");
}
