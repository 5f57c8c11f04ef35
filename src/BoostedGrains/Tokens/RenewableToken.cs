using BoostedGrains.Boosted;
using BoostedGrains.Concurrency;
using BoostedGrains.Diagnostics;

namespace BoostedGrains.Tokens;

/// <summary>
/// One scope's current token and its in-flight exchange (docs/design.md rules 1–3). Lives on a grain's turn. The token is
/// handed out while valid; inside its refresh window a renewal starts in the background; only a caller that finds no
/// valid token waits, and it waits for the one shared exchange. A grain subclasses it with its exchange, so that a
/// slot holds no delegates and a warm call allocates nothing: the valid token is handed out as one completed task.
/// </summary>
internal abstract class RenewableToken(BoostedOptions options, TimeProvider time, BoostedGrainsMetrics metrics)
{
    // After a failed background renewal the still-valid token keeps being served; wait a little before the next try
    // so that every call during an outage does not become an exchange.
    private static readonly TimeSpan BackgroundRetryDelay = TimeSpan.FromSeconds(5);

    private readonly SingleFlight<AccessToken> _exchange = new();
    private AccessToken? _current;
    // _current as a completed task: what every warm call returns.
    private Task<AccessToken>? _served;
    private TimeSpan _margin;
    // From here on, a call means the token is in use when its refresh window starts (a refresh lead before it).
    private DateTimeOffset _inUseFrom;
    private bool _inUseNoticed;
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

    /// <summary>The clock the token's times are read from.</summary>
    protected TimeProvider Time => time;

    /// <summary>The metrics' <c>kind</c> tag: user or management.</summary>
    protected abstract string Kind { get; }

    /// <summary>One exchange with Boosted for this token.</summary>
    protected abstract Task<AccessToken> ExchangeAsync();

    /// <summary>Called on the grain's turn whenever a token becomes the current one (a renewal, or a restore).</summary>
    protected virtual void OnRenewed()
    {
    }

    /// <summary>
    /// Called on the grain's turn, once per token, when it is handed out within a refresh lead of <see cref="RefreshAt"/>:
    /// from then on <see cref="RenewIfInUse"/> at <see cref="RefreshAt"/> renews it. A token nobody asks for in that
    /// lead is never renewed ahead of time, so nothing needs to wait for its window before then.
    /// </summary>
    protected virtual void OnInUseBeforeRefresh()
    {
    }

    /// <summary>The current token if it is valid (renewing it in the background when due), else the shared exchange.</summary>
    public Task<AccessToken> GetAsync()
    {
        var now = time.GetUtcNow();
        _lastServed = now;
        if (_served is not { } served || now >= _current!.ExpiresAt - _margin)
        {
            metrics.Served(Kind, waited: true);
            return _exchange.RunAsync(RunExchangeAsync);
        }
        if (now >= RefreshAt)
        {
            if (now >= _nextBackgroundAttempt)
                RenewAhead();
        }
        else if (!_inUseNoticed && now >= _inUseFrom)
            NoticeInUse();
        metrics.Served(Kind, waited: false);
        return served;
    }

    /// <summary>Renews in the background if the token was handed out recently (within its refresh lead); idle tokens are left alone.</summary>
    public void RenewIfInUse()
    {
        if (_current is { } token && time.GetUtcNow() - _lastServed <= token.ExpiresAt - RefreshAt)
            RenewAhead();
    }

    /// <summary>Drops the current token and renews it, but only if <paramref name="sha256Hex"/> is its hash.</summary>
    public bool Reject(string sha256Hex)
    {
        if (_current is null || !string.Equals(_current.Sha256, sha256Hex.Trim(), StringComparison.OrdinalIgnoreCase))
            return false;
        Invalidate();
        RenewInBackground();
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
        _served = null;
    }

    private void NoticeInUse()
    {
        _inUseNoticed = true;
        OnInUseBeforeRefresh();
    }

    private void RenewAhead()
    {
        if (_exchange.IsRunning)
            return;
        metrics.RenewedAhead(Kind);
        RenewInBackground();
    }

    private void RenewInBackground()
    {
        if (_exchange.IsRunning)
            return;
        // Nobody awaits a background renewal: observe its failure (the grain has recorded it) so it is not unobserved.
        _exchange.RunAsync(RunExchangeAsync).ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task<AccessToken> RunExchangeAsync()
    {
        AccessToken token;
        try
        {
            token = await ExchangeAsync();
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
        _served = Task.FromResult(token);
        _nextBackgroundAttempt = obtainedAt;
        LastRenewal = obtainedAt;
        _inUseFrom = RefreshAt - (token.ExpiresAt - RefreshAt);
        _inUseNoticed = false;
        OnRenewed();
        // The call that waited for this token may already count (a refresh fraction under one half).
        if (_lastServed >= _inUseFrom)
            NoticeInUse();
    }
}
