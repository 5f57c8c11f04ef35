using System.Collections.Concurrent;
using BoostedGrains.Tokens;

namespace BoostedGrains.Benchmarks.Baselines;

/// <summary>
/// The row 4 baseline: what Duende.AccessTokenManagement or MSAL give each app server. An in-memory cache per process
/// with one exchange in flight per subject; a token is renewed when a caller finds it within its expiry margin, and
/// that caller (with any others arriving meanwhile) waits. The margin is the product's (a tenth of the lifetime, at
/// most 30 s), so the comparison differs only in where the cache lives.
/// </summary>
public sealed class PerProcessTokenCache(Func<string, Task<AccessToken>> exchange)
{
    private static readonly TimeSpan MaxMargin = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Entry>>> _inFlight = new(StringComparer.Ordinal);

    public int Count => _tokens.Count;

    /// <summary>The cached token, or the shared exchange; <c>Waited</c> tells whether this caller waited on Boosted.</summary>
    public async ValueTask<(AccessToken Token, bool Waited)> GetAsync(string subject)
    {
        if (_tokens.TryGetValue(subject, out var entry) && DateTimeOffset.UtcNow < entry.RenewAt)
            return (entry.Token, false);
        var flight = _inFlight.GetOrAdd(subject, s => new Lazy<Task<Entry>>(() => FetchAsync(s)));
        return ((await flight.Value).Token, true);
    }

    private async Task<Entry> FetchAsync(string subject)
    {
        try
        {
            var obtained = DateTimeOffset.UtcNow;
            var token = await exchange(subject);
            var margin = TimeSpan.FromTicks(Math.Min(MaxMargin.Ticks, (token.ExpiresAt - obtained).Ticks / 10));
            var entry = new Entry(token, token.ExpiresAt - margin);
            _tokens[subject] = entry;
            return entry;
        }
        finally
        {
            _inFlight.TryRemove(subject, out _);
        }
    }

    private sealed record Entry(AccessToken Token, DateTimeOffset RenewAt);
}
