using BoostedGrains.Boosted;
using BoostedGrains.Concurrency;
using BoostedGrains.Diagnostics;

namespace BoostedGrains.Tokens;

/// <summary>
/// One scope's current token and its in-flight exchange (docs/design.md rules 1–3). Lives on a grain's turn. The token is
/// handed out while valid; inside its refresh window a renewal starts in the background; only a caller that finds no
/// valid token waits, and it waits for the one shared exchange.
/// </summary>
internal sealed class RenewableToken(BoostedOptions options, TimeProvider time, BoostedGrainsMetrics metrics, string kind, Action? renewed = null)
{
    // After a failed background renewal the still-valid token keeps being served; wait a little before the next try
    // so that every call during an outage does not become an exchange.
    private static readonly TimeSpan BackgroundRetryDelay = TimeSpan.FromSeconds(5);

    private readonly SingleFlight<AccessToken> _exchange = new();
    private AccessToken? _current;
    private string? _currentHash;
    private TimeSpan _margin;
    private DateTimeOffset _lastServed;
    private DateTimeOffset _nextBackgroundAttempt;

    /// <summary>The token held now, valid or not.</summary>
    public AccessToken? Current => _current;

    /// <summary>True while the current token may be handed out (a renewal now is ahead of time, nobody waits for it).</summary>
    public bool HoldsUsableToken => _current is { } token && time.GetUtcNow() < token.ExpiresAt - _margin;

    /// <summary>When the current token was obtained.</summary>
    public DateTimeOffset? LastRenewal { get; private set; }

    /// <summary>When the current token enters its refresh window.</summary>
    public DateTimeOffset RefreshAt { get; private set; }

    /// <summary>The current token if it is valid (renewing it in the background when due), else the shared exchange.</summary>
    public Task<AccessToken> GetAsync(Func<Task<AccessToken>> exchange)
    {
        var now = time.GetUtcNow();
        _lastServed = now;
        if (_current is not { } token || now >= token.ExpiresAt - _margin)
        {
            metrics.Served(kind, waited: true);
            return _exchange.RunAsync(() => ExchangeAsync(exchange));
        }
        if (now >= RefreshAt && now >= _nextBackgroundAttempt)
            RenewAhead(exchange);
        metrics.Served(kind, waited: false);
        return Task.FromResult(token);
    }

    /// <summary>Renews in the background if the token was handed out recently (within its refresh lead); idle tokens are left alone.</summary>
    public void RenewIfInUse(Func<Task<AccessToken>> exchange)
    {
        if (_current is { } token && time.GetUtcNow() - _lastServed <= token.ExpiresAt - RefreshAt)
            RenewAhead(exchange);
    }

    /// <summary>Drops the current token and renews it, but only if <paramref name="sha256Hex"/> is its hash.</summary>
    public bool Reject(string sha256Hex, Func<Task<AccessToken>> exchange)
    {
        if (_currentHash is null || !string.Equals(_currentHash, sha256Hex.Trim(), StringComparison.OrdinalIgnoreCase))
            return false;
        _current = null;
        _currentHash = null;
        RenewInBackground(exchange);
        return true;
    }

    /// <summary>
    /// Takes a token obtained at <paramref name="obtainedAt"/> (by an earlier activation) as the current one, with the
    /// margin and refresh window it had when it was new.
    /// </summary>
    public void Restore(AccessToken token, DateTimeOffset obtainedAt) => Accept(token, obtainedAt);

    /// <summary>Forgets the current token, so that the next caller waits for a new exchange.</summary>
    public void Invalidate()
    {
        _current = null;
        _currentHash = null;
    }

    private void RenewAhead(Func<Task<AccessToken>> exchange)
    {
        if (_exchange.IsRunning)
            return;
        metrics.RenewedAhead(kind);
        RenewInBackground(exchange);
    }

    private void RenewInBackground(Func<Task<AccessToken>> exchange)
    {
        if (_exchange.IsRunning)
            return;
        // Nobody awaits a background renewal: observe its failure (the grain has recorded it) so it is not unobserved.
        _exchange.RunAsync(() => ExchangeAsync(exchange))
            .ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task<AccessToken> ExchangeAsync(Func<Task<AccessToken>> exchange)
    {
        AccessToken token;
        try
        {
            token = await exchange();
        }
        catch
        {
            _nextBackgroundAttempt = time.GetUtcNow() + BackgroundRetryDelay;
            throw;
        }
        Accept(token, time.GetUtcNow());
        return token;
    }

    /// <summary>True when a token obtained and expiring at these times may still be handed out at <paramref name="now"/>.</summary>
    public static bool IsUsable(BoostedOptions options, DateTimeOffset obtainedAt, DateTimeOffset expiresAt, DateTimeOffset now) =>
        now < expiresAt - Margin(options, expiresAt - obtainedAt);

    // Short-lived tokens (tests, or a Boosted that shortens them) keep most of their life usable.
    private static TimeSpan Margin(BoostedOptions options, TimeSpan lifetime) =>
        TimeSpan.FromTicks(Math.Min(options.ExpirySafetyMargin.Ticks, Math.Max(0, lifetime.Ticks / 10)));

    private void Accept(AccessToken token, DateTimeOffset obtainedAt)
    {
        var lifetime = token.ExpiresAt - obtainedAt;
        _margin = Margin(options, lifetime);
        // Jitter spreads the renewals of tokens obtained together (docs/design.md rule 2).
        var fraction = Math.Min(0.95, options.RefreshAheadFraction + Random.Shared.NextDouble() * options.RefreshAheadJitter);
        var refreshAt = obtainedAt + lifetime * fraction;
        RefreshAt = refreshAt < token.ExpiresAt - _margin ? refreshAt : token.ExpiresAt - _margin;
        _current = token;
        _currentHash = token.Sha256;
        _nextBackgroundAttempt = obtainedAt;
        LastRenewal = obtainedAt;
        renewed?.Invoke();
    }
}
