namespace BoostedGrains.Keys;

/// <summary>This silo has no key it may sign with right now; the message says why and until when.</summary>
[GenerateSerializer]
public sealed class SigningKeyUnavailableException(string message, DateTimeOffset? availableAt = null)
    : InvalidOperationException(message)
{
    /// <summary>When a key becomes eligible, when known.</summary>
    [Id(0)] public DateTimeOffset? AvailableAt { get; } = availableAt;
}
