using BoostedGrains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;

namespace BoostedGrains.Keys;

/// <summary>
/// Holds the key ring and advances its timeline whenever it is read (every silo reads it each refresh interval, so
/// no timer is needed). Reentrant so that readers are never held up by key generation, which runs on the thread pool;
/// every change to the state happens synchronously within one turn, and writes are serialized.
/// </summary>
[Reentrant]
internal sealed class KeyRingGrain(
    [PersistentState("keyring", GrainStorage.Name)] IPersistentState<KeyRingState> ring,
    IOptions<KeyRingOptions> options,
    IOptions<JwksOptions> jwks,
    IPrivateKeyProtector protector,
    TimeProvider time,
    ILogger<KeyRingGrain> logger) : Grain, IKeyRingGrain
{
    private readonly KeyRingOptions _options = options.Value;
    private readonly PublicSightingRule _sighting = PublicSightingRule.From(jwks.Value, options.Value);
    private Task? _scheduledKey;
    private Task _lastWrite = Task.CompletedTask;

    // Rebuilt on each use: a re-read after a write conflict replaces ring.State.
    private KeyTimeline Timeline => new(ring.State, _options, _sighting);

    public async Task<KeyRingSnapshot> GetSnapshotAsync()
    {
        await AdvanceAsync();
        return Timeline.CreateSnapshot(time.GetUtcNow());
    }

    public async Task<IReadOnlyList<KeyInfo>> ListKeysAsync()
    {
        await AdvanceAsync();
        return Timeline.List(time.GetUtcNow());
    }

    public async Task<KeyInfo> RotateNowAsync(bool force = false)
    {
        var key = await GenerateAsync();
        ThrowIfUnreadable(key);
        var now = time.GetUtcNow();
        Timeline.AddRotation(key, now, force);
        logger.LogInformation("Key ring rotated by request: new key {Kid} signs from {EligibleAt:O}{Waiting}", key.Kid, key.EligibleAt,
            key.AwaitsPublicUrl ? ", once the public URL has served it" : "");
        await WriteAsync();
        return Timeline.List(now).Single(k => k.Kid == key.Kid);
    }

    public async Task<bool> RevokeAsync(string kid)
    {
        if (!Timeline.Revoke(kid, time.GetUtcNow()))
        {
            return false;
        }
        logger.LogWarning("Signing key {Kid} revoked: unpublished and never used again", kid);
        await WriteAsync();
        await AdvanceAsync();
        return true;
    }

    public async Task<bool> ImportAsync(KeyRecord key, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (ring.State.ImportedKids.Contains(key.Kid))
        {
            return false;
        }
        if (ring.State.Keys.Exists(k => k.Kid == key.Kid))
        {
            throw new KeyImportException($"KeyRing__Import__Kid '{key.Kid}' names a key the ring already holds and did not import: choose the kid Boosted knows the imported key by.");
        }
        ThrowIfUnreadable(key);
        Timeline.AddImported(key, time.GetUtcNow(), force);
        logger.LogInformation("Key ring imported key {Kid} ({Algorithm}); it signs {When}", key.Kid, key.Algorithm,
            key.AwaitsPublicUrl ? "once the public URL has served it" : "from now on");
        await WriteAsync();
        return true;
    }

    public async Task<IReadOnlyList<KeyInfo>> ReportPublicUrlAsync(IReadOnlyList<string> servedKids)
    {
        ArgumentNullException.ThrowIfNull(servedKids);
        var now = time.GetUtcNow();
        // Most looks only move publicly_seen_at: no write for those, so N silos looking do not load the storage.
        if (Timeline.ObservePublicUrl(servedKids, now))
            await WriteAsync();
        return Timeline.List(now);
    }

    private async Task AdvanceAsync()
    {
        var now = time.GetUtcNow();
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
        if (Timeline.Prune(time.GetUtcNow()))
        {
            await WriteAsync();
        }
    }

    private async Task AddScheduledKeyAsync()
    {
        try
        {
            var key = await GenerateAsync();
            ThrowIfUnreadable(key);
            var now = time.GetUtcNow();
            var need = Timeline.GetKeyNeed(now);
            if (need == KeyNeed.None)
            {
                return; // an operator's rotation filled the need meanwhile
            }
            Timeline.AddScheduled(key, need, now);
            logger.LogInformation("Key ring published {Need} key {Kid}; it signs from {EligibleAt:O}", need, key.Kid, key.EligibleAt);
            await WriteAsync();
        }
        catch (Exception ex)
        {
            // Nobody may be awaiting this task; the next read tries again.
            logger.LogError(ex, "Key ring could not add a scheduled key");
        }
    }

    /// <summary>
    /// Refuses a new key when this silo's KEK cannot read the ring's newest key or the new key itself: a silo started
    /// with the wrong KEK must not add keys the others cannot decrypt. Throws <see cref="KeyEncryptionKeyMismatchException"/>.
    /// </summary>
    private void ThrowIfUnreadable(KeyRecord key)
    {
        var newest = ring.State.Keys.Where(k => k.PrivateKey is not null).MaxBy(k => k.CreatedAt);
        foreach (var record in newest is null ? [key] : new[] { newest, key })
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(protector.Unprotect(record.PrivateKey!, record.Kid));
        }
    }

    // RSA generation costs ~200 ms of CPU: keep it off the grain's turn.
    private Task<KeyRecord> GenerateAsync() =>
        Task.Run(() => KeyFactory.Create(_options.Algorithm, _options.KeySize, protector));

    private Task WriteAsync() => _lastWrite = WriteAfterAsync(_lastWrite);

    private async Task WriteAfterAsync(Task previous)
    {
        // The previous write's caller observes its failure; this one only has to come after it.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        try
        {
            await ring.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote the ring: adopt its state instead of overwriting it.
            await ring.ReadStateAsync();
            throw;
        }
    }
}
