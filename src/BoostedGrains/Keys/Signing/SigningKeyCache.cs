using BoostedGrains.Errors;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Keys;

/// <summary>
/// This silo's copy of the key ring: the decrypted signing key and the JWKS. Refreshed from the grain every
/// <see cref="KeyRingOptions.RefreshInterval"/> and right after each transition, so signing never calls the grain.
/// A revoked key therefore stops signing here within one refresh interval (sooner where <see cref="RefreshAsync"/> is called).
/// </summary>
public sealed partial class SigningKeyCache(IGrainFactory grains, IPrivateKeyProtector protector, TimeProvider time, ILogger<SigningKeyCache> logger)
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly Lock _firstLoadLock = new();
    private volatile Entry? _entry;
    private Task? _firstLoad;
    private long _generation;

    /// <summary>True once a snapshot of the ring was loaded (for health checks).</summary>
    public bool IsLoaded => _entry is not null;

    /// <summary>True when the ring names a signing key that this silo's KEK cannot decrypt (the silo must not report ready).</summary>
    public bool CannotDecryptSigner => _entry is { Signer: null, Snapshot.Signer: not null };

    /// <summary>How long ago the ring was last read successfully, or null before the first load (for readiness).</summary>
    public TimeSpan? SinceLoaded => _entry is { } entry ? time.GetElapsedTime(entry.LoadedAt) : null;

    /// <summary>How many snapshots of the ring this silo has taken in; a signature made between two equal readings came from that one.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The JWKS to serve, or null before the first load.</summary>
    public JwksDocument? Jwks => _entry?.Jwks;

    /// <summary>When the key this silo signs with was created, or null when it has none (for the key-age metric).</summary>
    public DateTimeOffset? SigningKeyCreatedAt => _entry is { Signer: not null } entry ? entry.Snapshot.Signer?.CreatedAt : null;

    /// <summary>When the ring next changes; the refresh service re-reads it then.</summary>
    public DateTimeOffset? NextTransitionAt => _entry?.Snapshot.NextTransitionAt;

    /// <summary>The key to sign with now; throws <see cref="SigningKeyUnavailableException"/> saying why there is none.</summary>
    public SigningKey GetSigningKey()
    {
        var entry = _entry ?? throw new SigningKeyUnavailableException(
            "The signing keys are not loaded yet: the silo is starting or the key ring grain cannot be reached. Retry shortly.");
        if (entry.Signer is { } signer)
        {
            return signer;
        }
        if (entry.Snapshot.Signer is not null)
        {
            throw new SigningKeyUnavailableException(
                "The current signing key cannot be decrypted on this silo: check KeyRing__Kek__Id and KeyRing__Kek__Key (see the log).");
        }
        var at = entry.Snapshot.NextEligibleAt;
        throw new SigningKeyUnavailableException(
            at is null
                ? "No signing key is eligible and none is propagating: the key ring is creating one. Retry shortly."
                : $"No signing key is eligible until {at:O}, when the newest key has propagated (KeyRing__PropagationTime). "
                  + "An operator's rotate-now makes a key that signs at once.",
            at);
    }

    /// <summary>
    /// Loads the ring if it is not loaded yet. Every caller before the first load completes shares one read of the
    /// grain, instead of queueing for a read each (a cold silo's first exchanges all arrive at once).
    /// </summary>
    public Task LoadOnceAsync(CancellationToken cancellationToken = default)
    {
        if (IsLoaded)
        {
            return Task.CompletedTask;
        }
        Task load;
        lock (_firstLoadLock)
        {
            // A load that failed is retried by the next caller; the shared one is never canceled by one caller.
            if (_firstLoad is null || _firstLoad.IsCompleted)
            {
                _firstLoad = RefreshAsync(CancellationToken.None);
            }
            load = _firstLoad;
        }
        return load.WaitAsync(cancellationToken);
    }

    /// <summary>Re-reads the ring now (after a rotation or revocation on this silo, and in tests).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var snapshot = await grains.GetKeyRing().GetSnapshotAsync().WaitAsync(cancellationToken);
            Apply(snapshot);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>Takes a snapshot in: keeps the already-decrypted key when the signer is unchanged.</summary>
    internal void Apply(KeyRingSnapshot snapshot)
    {
        var previous = _entry;
        var jwks = JwksDocument.Create(snapshot.PublishedKeys);
        SigningKey? signer;
        try
        {
            signer = snapshot.Signer is not { } wanted ? null
                : previous?.Signer?.Kid == wanted.Kid ? previous.Signer
                : SigningKey.Load(wanted, protector);
        }
        catch
        {
            // Publish the new JWKS (it may carry a revocation) but sign with nothing rather than an outdated key.
            _entry = new Entry(null, jwks, snapshot, time.GetTimestamp());
            Interlocked.Increment(ref _generation);
            throw;
        }
        _entry = new Entry(signer, jwks, snapshot, time.GetTimestamp());
        Interlocked.Increment(ref _generation);
        if (signer?.Kid != previous?.Signer?.Kid)
        {
            LogSigningKeyChanged(logger, signer?.Kid ?? "(none)", string.Join(", ", jwks.KeyIds));
        }
    }

    private sealed record Entry(SigningKey? Signer, JwksDocument Jwks, KeyRingSnapshot Snapshot, long LoadedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing key is now {Kid}; JWKS publishes {Kids}")]
    private static partial void LogSigningKeyChanged(ILogger logger, string kid, string kids);
}
