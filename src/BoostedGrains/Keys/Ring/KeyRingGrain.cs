using BoostedGrains.Concurrency;
using BoostedGrains.Errors;
using BoostedGrains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;

namespace BoostedGrains.Keys;

/// <summary>
/// Holds the key ring and advances its timeline whenever it is read (every silo reads it each refresh interval, so
/// no timer is needed). Reentrant so that readers are never held up by key generation, which runs on the thread pool;
/// every change is applied right before its write, one write at a time, and takes effect only once it is stored.
/// </summary>
[Reentrant]
internal sealed partial class KeyRingGrain : Grain, IKeyRingGrain
{
    private readonly KeyRingOptions _options;
    private readonly GrainStorageState<KeyRingState> _stored;
    private readonly SerializedState<KeyRingState> _state;
    private readonly PublicSightingRule _sighting;
    private readonly IPrivateKeyProtector _protector;
    private readonly TimeProvider _time;
    private readonly ILogger<KeyRingGrain> _logger;
    private Task? _scheduledKey;
    private StoredStateRefusedException? _refusal;

    public KeyRingGrain(
        [FromKeyedServices(GrainStorage.Name)] IGrainStorage storage,
        KeyRingStateBinding binding,
        IOptions<KeyRingOptions> options,
        IOptions<JwksOptions> jwks,
        IPrivateKeyProtector protector,
        TimeProvider time,
        ILogger<KeyRingGrain> logger)
    {
        _options = options.Value;
        _stored = new GrainStorageState<KeyRingState>(StateName, GrainContext, storage, binding);
        _state = new(_stored);
        _sighting = PublicSightingRule.From(jwks.Value, options.Value);
        _protector = protector;
        _time = time;
        _logger = logger;
    }

    /// <summary>The grain storage's name for the ring's state.</summary>
    internal const string StateName = "keyring";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _state.ReadAsync();
        }
        catch (StoredStateRefusedException refused)
        {
            _refusal = refused;
            LogRefused(_logger, refused.Message);
            return;
        }
        // A ring from before the seal proved its keys on load: seal it now, so that it is checked as a whole from here on.
        if (_stored.ReadUnbound && _state.Current.Keys.Count > 0)
            await _state.UpdateAsync(static _ => true);
    }

    // Rebuilt on each use: a re-read (after a write conflict or failure) replaces the state object.
    private KeyTimeline Timeline => For(_state.Current);

    public async Task<KeyRingSnapshot> GetSnapshotAsync()
    {
        ThrowIfRefused();
        await AdvanceAsync();
        return Timeline.CreateSnapshot(_time.GetUtcNow());
    }

    public async Task<IReadOnlyList<KeyInfo>> ListKeysAsync()
    {
        ThrowIfRefused();
        await AdvanceAsync();
        return Timeline.List(_time.GetUtcNow());
    }

    public async Task<KeyInfo> RotateNowAsync(bool force = false)
    {
        ThrowIfRefused();
        var key = await GenerateAsync();
        ThrowIfUnreadable(key);
        var now = _time.GetUtcNow();
        await _state.UpdateAsync(s =>
        {
            For(s).AddRotation(key, now, force);
            return true;
        });
        LogRotated(_logger, key.Kid, key.EligibleAt, key.AwaitsPublicUrl ? ", once the public URL has served it" : "");
        return Timeline.List(now).Single(k => k.Kid == key.Kid);
    }

    public async Task<bool> RevokeAsync(string kid)
    {
        ThrowIfRefused();
        var revoked = false;
        await _state.UpdateAsync(s => revoked = For(s).Revoke(kid, _time.GetUtcNow()));
        if (!revoked)
        {
            return false;
        }
        LogRevoked(_logger, kid);
        await AdvanceAsync();
        return true;
    }

    public async Task<bool> ImportAsync(KeyRecord key, bool force = false)
    {
        ThrowIfRefused();
        ArgumentNullException.ThrowIfNull(key);
        await _state.EnsureStoredAsync();
        if (_state.Current.ImportedKids.Contains(key.Kid))
        {
            return false;
        }
        if (_state.Current.Keys.Exists(k => k.Kid == key.Kid))
        {
            throw new KeyImportException($"KeyRing__Import__Kid '{key.Kid}' names a key the ring already holds and did not import: choose the kid Boosted knows the imported key by.");
        }
        ThrowIfUnreadable(key);
        var imported = false;
        await _state.UpdateAsync(s =>
        {
            // Applied to what is stored: another activation may have imported it meanwhile.
            imported = !s.ImportedKids.Contains(key.Kid) && !s.Keys.Exists(k => k.Kid == key.Kid);
            if (imported)
                For(s).AddImported(key, _time.GetUtcNow(), force);
            return imported;
        });
        if (imported)
            LogImported(_logger, key.Kid, key.Algorithm, key.AwaitsPublicUrl ? "once the public URL has served it" : "from now on");
        return imported;
    }

    public async Task<IReadOnlyList<KeyInfo>> ReportPublicUrlAsync(IReadOnlyList<string> servedKids)
    {
        ThrowIfRefused();
        ArgumentNullException.ThrowIfNull(servedKids);
        var now = _time.GetUtcNow();
        // Most looks only move publicly_seen_at: no write for those, so N silos looking do not load the storage.
        await _state.UpdateAsync(s => For(s).ObservePublicUrl(servedKids, now));
        return Timeline.List(now);
    }

    private async Task AdvanceAsync()
    {
        // A failed write may have left memory ahead of storage: never show or sign from a ring that was not stored.
        await _state.EnsureStoredAsync();
        var now = _time.GetUtcNow();
        if (Timeline.GetKeyNeed(now) != KeyNeed.None)
        {
            // Single flight: later readers join the generation already running.
            if (_scheduledKey is null or { IsCompleted: true })
            {
                _scheduledKey = AddScheduledKeyAsync();
            }
            var pending = _scheduledKey;
            // Only wait when there is nothing to publish at all; otherwise the current keys serve while the new one is made.
            if (Timeline.Published(now).Count == 0)
            {
                await pending;
            }
        }
        if (Timeline.CanPrune(_time.GetUtcNow()))
        {
            await _state.UpdateAsync(s => For(s).Prune(_time.GetUtcNow()));
        }
    }

    private async Task AddScheduledKeyAsync()
    {
        try
        {
            var key = await GenerateAsync();
            ThrowIfUnreadable(key);
            var now = _time.GetUtcNow();
            var need = KeyNeed.None;
            await _state.UpdateAsync(s =>
            {
                // None: an operator's rotation filled the need meanwhile.
                need = For(s).GetKeyNeed(now);
                if (need != KeyNeed.None)
                    For(s).AddScheduled(key, need, now);
                return need != KeyNeed.None;
            });
            if (need != KeyNeed.None)
                LogPublished(_logger, need, key.Kid, key.EligibleAt);
        }
        catch (Exception ex)
        {
            // Nobody may be awaiting this task; the next read tries again.
            LogScheduleFailed(_logger, ex);
        }
    }

    /// <summary>
    /// Refuses a new key when this silo's KEK cannot read the ring's newest key or the new key itself: a silo started
    /// with the wrong KEK must not add keys the others cannot decrypt. Throws <see cref="KeyEncryptionKeyMismatchException"/>.
    /// </summary>
    private void ThrowIfUnreadable(KeyRecord key)
    {
        var newest = _state.Current.Keys.Where(k => k.PrivateKey is not null).MaxBy(k => k.CreatedAt);
        foreach (var record in newest is null ? [key] : new[] { newest, key })
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(_protector.Unprotect(record.PrivateKey!, record.Kid));
        }
    }

    private void ThrowIfRefused()
    {
        if (_refusal is not null)
            throw _refusal;
    }

    // RSA generation costs ~200 ms of CPU: keep it off the grain's turn.
    private Task<KeyRecord> GenerateAsync() =>
        Task.Run(() => KeyFactory.Create(_options.Algorithm, _options.KeySize, _protector));

    private KeyTimeline For(KeyRingState state) => new(state, _options, _sighting);

    [LoggerMessage(Level = LogLevel.Error, Message = "The key ring is refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key ring rotated by request: new key {Kid} signs from {EligibleAt:O}{Waiting}")]
    private static partial void LogRotated(ILogger logger, string kid, DateTimeOffset eligibleAt, string waiting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing key {Kid} revoked: unpublished and never used again")]
    private static partial void LogRevoked(ILogger logger, string kid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key ring imported key {Kid} ({Algorithm}); it signs {When}")]
    private static partial void LogImported(ILogger logger, string kid, KeyAlgorithm algorithm, string when);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key ring published {Need} key {Kid}; it signs from {EligibleAt:O}")]
    private static partial void LogPublished(ILogger logger, KeyNeed need, string kid, DateTimeOffset eligibleAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Key ring could not add a scheduled key")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception);
}
