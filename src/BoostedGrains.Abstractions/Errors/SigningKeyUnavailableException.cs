namespace BoostedGrains.Errors;

/// <summary>
/// The cluster has no key it may sign assertions with right now (none loaded yet, or every key revoked and the
/// successor still propagating). The message says why; retry after <see cref="AvailableAt"/> when known.
/// </summary>
[GenerateSerializer]
public sealed class SigningKeyUnavailableException(string message, DateTimeOffset? availableAt = null)
    : BoostedException(message)
{
    /// <summary>When a key becomes eligible, when known.</summary>
    [Id(0)] public DateTimeOffset? AvailableAt { get; } = availableAt;
}
