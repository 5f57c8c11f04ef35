using System.Collections.Concurrent;
using BoostedGrains.Emulator.Hosting;
using BoostedGrains.Emulator.Stats;
using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Emulator.Jwks;

/// <summary>Fetches and caches partner JWKS documents the way common verifiers do (docs/boosted-api.md §2): a cache with a lifetime,
/// synchronous fill when empty or expired, and an unknown <c>kid</c> that only requests a throttled background refetch.</summary>
internal sealed partial class JwksCache(EmulatorOptions options, EmulatorClock clock, StatsCounters stats, ILogger<JwksCache> logger) : IDisposable
{
    /// <summary>The minimum time between two refetches caused by unknown <c>kid</c>s, as in Microsoft.IdentityModel's ConfigurationManager.</summary>
    public static readonly TimeSpan UnknownKidRefreshInterval = TimeSpan.FromMinutes(5);

    private const int MaxJwksBytes = 256 * 1024;

    private readonly ConcurrentDictionary<string, PartnerJwksState> _states = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = TimeSpan.FromSeconds(10),
        MaxResponseContentBufferSize = MaxJwksBytes,
    };

    private TimeSpan CacheLifetime => TimeSpan.FromSeconds(options.JwksCacheSeconds);

    public async Task<KeyLookup> FindKeyAsync(EmulatorPartner partner, string kid, CancellationToken ct)
    {
        var state = _states.GetOrAdd(partner.ClientId, static _ => new PartnerJwksState());
        var snapshot = state.Current;
        if (snapshot is null || clock.UtcNow >= snapshot.ExpiresAt)
        {
            snapshot = await RefreshAsync(state, partner, force: false, ct);
        }

        if (snapshot is null)
        {
            return new KeyLookup(null, "the partner's JWKS could not be fetched from its jwks_uri");
        }

        if (snapshot.Keys.TryGetValue(kid, out var key))
        {
            return new KeyLookup(key, null);
        }

        return RequestBackgroundRefresh(state, partner)
            ? new KeyLookup(null, $"unknown kid '{kid}': a JWKS refetch was requested; this assertion still fails, publish keys well before signing with them")
            : new KeyLookup(null, $"unknown kid '{kid}': the JWKS is refetched for unknown keys at most once per {UnknownKidRefreshInterval.TotalMinutes:0} minutes");
    }

    public void Dispose() => _http.Dispose();

    private bool RequestBackgroundRefresh(PartnerJwksState state, EmulatorPartner partner)
    {
        lock (state.RefreshLock)
        {
            var now = clock.UtcNow;
            if (state.LastUnknownKidRefresh is { } last && now - last < UnknownKidRefreshInterval)
            {
                return false;
            }

            state.LastUnknownKidRefresh = now;
        }

        _ = Task.Run(() => RefreshAsync(state, partner, force: true, CancellationToken.None));
        return true;
    }

    private async Task<JwksSnapshot?> RefreshAsync(PartnerJwksState state, EmulatorPartner partner, bool force, CancellationToken ct)
    {
        await state.Gate.WaitAsync(ct);
        try
        {
            // Another request may have filled the cache while this one waited for the gate.
            var current = state.Current;
            if (!force && current is not null && clock.UtcNow < current.ExpiresAt)
            {
                return current;
            }

            var fetched = await FetchAsync(partner);
            if (fetched is not null)
            {
                state.Current = fetched;
            }

            // Counted after the cache is updated, so whoever sees the count also sees the new keys.
            stats.JwksFetched();

            // A failed fetch keeps serving the last good keys rather than failing every partner request.
            return fetched ?? current;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task<JwksSnapshot?> FetchAsync(EmulatorPartner partner)
    {
        try
        {
            using var response = await _http.GetAsync(partner.JwksUri, CancellationToken.None);
            if (!response.IsSuccessStatusCode)
            {
                LogFetchAnswered(logger, partner.ClientId, (int)response.StatusCode);
                return null;
            }

            var set = new JsonWebKeySet(await response.Content.ReadAsStringAsync(CancellationToken.None));
            var keys = new Dictionary<string, JsonWebKey>(StringComparer.Ordinal);
            foreach (var key in set.Keys)
            {
                if (!string.IsNullOrEmpty(key.Kid) && key.Kty is "RSA" or "EC" && (key.Use is null || key.Use == "sig"))
                {
                    keys.TryAdd(key.Kid, key);
                }
            }

            return new JwksSnapshot(keys, clock.UtcNow + CacheLifetime);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ArgumentException or System.Text.Json.JsonException or ObjectDisposedException)
        {
            LogFetchFailed(logger, partner.ClientId, ex.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "JWKS fetch for partner {ClientId} answered {Status}")]
    private static partial void LogFetchAnswered(ILogger logger, string clientId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JWKS fetch for partner {ClientId} failed: {Error}")]
    private static partial void LogFetchFailed(ILogger logger, string clientId, string error);
}
