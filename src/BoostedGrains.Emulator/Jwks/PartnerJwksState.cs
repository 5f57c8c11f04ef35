namespace BoostedGrains.Emulator.Jwks;

/// <summary>The cached JWKS of one partner and the bookkeeping that throttles refetches.</summary>
internal sealed class PartnerJwksState
{
    /// <summary>One fetch at a time per partner, so concurrent requests on an empty cache cause a single fetch.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public Lock RefreshLock { get; } = new();

    public volatile JwksSnapshot? Current;

    /// <summary>When an unknown <c>kid</c> last triggered a background refetch; null until the first one.</summary>
    public DateTimeOffset? LastUnknownKidRefresh;
}
