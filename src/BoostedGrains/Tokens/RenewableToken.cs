using BoostedGrains.Boosted;
using BoostedGrains.Diagnostics;

namespace BoostedGrains.Tokens;

/// <summary>
/// One scope's current token and its in-flight exchange (docs/design.md rules 1–3). Lives on a grain's turn. The token is
/// handed out while valid; inside its refresh window a renewal starts in the background; only a caller that finds no
/// valid token waits, and it waits for the one shared exchange. A grain subclasses it with its exchange, so that a
/// slot holds no delegates and a warm call allocates nothing: the valid token is handed out as one completed task.
/// A user grain holds one per scope it serves, so it keeps only what cannot be derived: times as UTC ticks, the margin
/// and the in-use lead computed from them, the single-flight exchange as a field of its own.
/// </summary>
internal abstract class RenewableToken
{
    // After a failed background renewal the still-valid token keeps being served; wait a little before the next try
    // so that every call during an outage does not become an exchange.
    private static readonly TimeSpan BackgroundRetryDelay = TimeSpan.FromSeconds(5);

    // The exchange in flight, which every caller that needs a new token awaits; cleared when it ends, so the next call
    // after a failure retries.
    private Task<AccessToken>? _exchange;
    private AccessToken? _current;
    // _current as a completed task: what every warm call returns.
    private Task<AccessToken>? _served;
    // UTC ticks; 0 before the first token.
    private long _obtainedAt;
    private long _refreshAt;
    private long _lastServed;
    private long _nextBackgroundAttempt;
    private bool _inUseNoticed;

    /// <summary>The token held now, valid or not.</summary>
    public AccessToken? Current => _current;

    /// <summary>True while the current token may be handed out (a renewal now is ahead of time, nobody waits for it).</summary>
    public bool HoldsUsableToken => _current is { } token && Time.GetUtcNow() < UsableUntil(token);

    /// <summary>When the current token was obtained.</summary>
    public DateTimeOffset? LastRenewal => _obtainedAt == 0 ? null : Utc(_obtainedAt);

    /// <summary>When the current token enters its refresh window.</summary>
    public DateTimeOffset RefreshAt => Utc(_refreshAt);

    /// <summary>The token settings.</summary>
    protected abstract BoostedOptions Options { get; }

    /// <summary>The clock the token's times are read from.</summary>
    protected abstract TimeProvider Time { get; }

    /// <summary>Where served and renewed tokens are counted.</summary>
    protected abstract BoostedGrainsMetrics Metrics { get; }

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
        var now = Time.GetUtcNow();
        _lastServed = now.UtcTicks;
        if (_served is not { } served || now >= UsableUntil(_current!))
        {
            Metrics.Served(Kind, waited: true);
            return Exchange();
        }
        if (now.UtcTicks >= _refreshAt)
        {
            if (now.UtcTicks >= _nextBackgroundAttempt)
                RenewAhead();
        }
        else if (!_inUseNoticed && now.UtcTicks >= InUseFrom(_current!))
            NoticeInUse();
        Metrics.Served(Kind, waited: false);
        return served;
    }

    /// <summary>Renews in the background if the token was handed out recently (within its refresh lead); idle tokens are left alone.</summary>
    public void RenewIfInUse()
    {
        if (_current is { } token && Time.GetUtcNow().UtcTicks - _lastServed <= token.ExpiresAt.UtcTicks - _refreshAt)
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
        if (_exchange is not null)
            return;
        Metrics.RenewedAhead(Kind);
        RenewInBackground();
    }

    private void RenewInBackground()
    {
        if (_exchange is not null)
            return;
        // Nobody awaits a background renewal: observe its failure (the grain has recorded it) so it is not unobserved.
        Exchange().ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    // The exchange in flight, or a new one when none is.
    private Task<AccessToken> Exchange()
    {
        if (_exchange is { } running)
            return running;
        var task = RunExchangeAsync();
        // One that finished synchronously has already cleared the field; storing it would pin a stale result.
        if (!task.IsCompleted)
            _exchange = task;
        return task;
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
            _nextBackgroundAttempt = (Time.GetUtcNow() + BackgroundRetryDelay).UtcTicks;
            throw;
        }
        finally
        {
            _exchange = null;
        }
        Accept(token, Time.GetUtcNow());
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
        var usableUntil = token.ExpiresAt - Margin(Options, lifetime);
        // Jitter spreads the renewals of tokens obtained together (docs/design.md rule 2).
        var fraction = Math.Min(0.95, Options.RefreshAheadFraction + Random.Shared.NextDouble() * Options.RefreshAheadJitter);
        var refreshAt = obtainedAt + lifetime * fraction;
        _refreshAt = (refreshAt < usableUntil ? refreshAt : usableUntil).UtcTicks;
        _current = token;
        _served = Task.FromResult(token);
        _nextBackgroundAttempt = obtainedAt.UtcTicks;
        _obtainedAt = obtainedAt.UtcTicks;
        _inUseNoticed = false;
        OnRenewed();
        // The call that waited for this token may already count (a refresh fraction under one half).
        if (_lastServed >= InUseFrom(token))
            NoticeInUse();
    }

    // The margin follows from the lifetime the token had when it was new, so it is not kept.
    private DateTimeOffset UsableUntil(AccessToken token) => token.ExpiresAt - Margin(Options, token.ExpiresAt - Utc(_obtainedAt));

    // From here on, a call means the token is in use when its refresh window starts (a refresh lead before it).
    private long InUseFrom(AccessToken token) => _refreshAt - (token.ExpiresAt.UtcTicks - _refreshAt);

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);
}
