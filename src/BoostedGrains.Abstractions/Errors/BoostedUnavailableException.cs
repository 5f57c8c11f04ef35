namespace BoostedGrains.Errors;

/// <summary>
/// Boosted could not be reached or answered 5xx or 429 after the retry budget was spent, or the circuit breaker is
/// open. Safe to retry later, after <see cref="RetryAfter"/> when known.
/// </summary>
[GenerateSerializer]
public sealed class BoostedUnavailableException(string message, int? statusCode = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : BoostedException(message, null, statusCode, inner)
{
    /// <summary>How long Boosted asked us to wait, when it said.</summary>
    [Id(0)] public TimeSpan? RetryAfter { get; } = retryAfter;
}
