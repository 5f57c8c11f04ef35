using BoostedGrains.Boosted;
using BoostedGrains.Concurrency;
using BoostedGrains.Errors;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace BoostedGrains.Tokens;

/// <summary>
/// One end user's Boosted tokens (docs/design.md, "Grains"). Reentrant: callers keep getting the valid token while an exchange is in
/// flight, and every caller that needs a new token awaits the same exchange. Refresh ahead has two triggers: a call
/// that finds the token in its refresh window renews it in the background, and a one-shot timer at the start of the
/// window renews it if it was handed out recently, so a user active shortly before the window does not wait after it
/// (the timer is set by the first call within that lead: a token nobody asks for meanwhile needs none).
/// The timer does not keep the grain alive, so idle users are renewed only when they ask again. Every renewal is
/// stored encrypted (<c>Tokens__Persist</c>), so a new activation (after idling, a restart, a duplicate activation)
/// serves the stored token while it is valid instead of exchanging again.
/// </summary>
[Reentrant]
public sealed partial class UserTokenGrain : Grain, IUserTokenGrain, IUserTokenAdminGrain
{
    // A silo holds one of these per active user: its fields are what row 5 of docs/benchmarks.md counts, so the
    // services are one shared reference and nothing is kept that can be derived.
    private readonly SerializedState<UserTokenState> _state;
    private readonly UserTokenGrainServices _services;
    private readonly SingleFlight<string> _provisioning = new();
    // Shaped for the common case: the default scope's slot has a field of its own; other scopes, which few users ask
    // for, get a dictionary only once one does.
    private Slot? _defaultSlot;
    private Dictionary<string, Slot>? _otherSlots;
    private string? _lastError;
    // Bumped by every re-provisioning; exchanges started under an older value are discarded.
    private int _identityGeneration;

    private bool _userIdValid;
    private StoredStateRefusedException? _refusal;

    /// <summary>A user grain; <see cref="UserTokenGrainServices"/> holds what every user grain of the silo shares.</summary>
    public UserTokenGrain(UserTokenGrainServices services)
    {
        // The context comes with the grain, not from the activation's services: resolving it there costs the scope an entry.
        _state = new(new GrainStorageState<UserTokenState>(StateName, GrainContext, services.Storage, services.Binding));
        _services = services;
    }

    /// <summary>The grain storage's name for a user's state.</summary>
    internal const string StateName = "user";

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _state.ReadAsync();
        }
        catch (StoredStateRefusedException refused)
        {
            Refuse(refused);
        }
    }

    // Stored state that belongs to another ID or fails its seal: every call fails with it until an operator re-provisions.
    private void Refuse(StoredStateRefusedException refused)
    {
        _refusal = refused;
        LogStateRefused(Logger, this.GetPrimaryKeyString(), refused.Message);
    }

    private BoostedOptions Options => _services.Options;
    private bool Persist => _services.Persist;
    private TimeProvider Time => _services.Time;
    private ILogger Logger => _services.Logger;

    // Not kept: the key is read again on the few paths that need it (an exchange, a log line), not on a warm call.
    private string UserId
    {
        get
        {
            EnsureValidUserId();
            return this.GetPrimaryKeyString();
        }
    }

    // Checked on every call until it passes once: a grain can be reached with any key, not only through GetUserTokenGrain.
    // Throws InvalidUserIdException, before any work, for a key that is not a valid user ID.
    private void EnsureValidUserId()
    {
        if (_refusal is not null)
            throw _refusal;
        if (_userIdValid)
            return;
        UserIds.Validate(this.GetPrimaryKeyString());
        _userIdValid = true;
    }

    /// <inheritdoc />
    public Task<AccessToken> GetAccessTokenAsync()
    {
        EnsureValidUserId();
        return (_defaultSlot ?? Token(UserScope)).GetAsync();
    }

    // The default scope set's slot, under its one spelling.
    private string UserScope => _services.UserScope;

    /// <inheritdoc />
    public Task<AccessToken> GetAccessTokenAsync(string scope)
    {
        EnsureValidUserId();
        // A slot's key is a normalised, allowed scope set already: only another spelling needs the work.
        var scopes = scope is not null && FindSlot(scope) is not null ? scope : ScopeSet.Normalize(scope, _services.AllowedScopes);
        return Token(scopes).GetAsync();
    }

    /// <inheritdoc />
    public Task ReportRejectedTokenAsync(string accessTokenSha256)
    {
        EnsureValidUserId();
        ArgumentException.ThrowIfNullOrWhiteSpace(accessTokenSha256);
        foreach (var slot in Slots())
        {
            if (!string.Equals(slot.Current?.Sha256, accessTokenSha256.Trim(), StringComparison.OrdinalIgnoreCase))
                continue;
            // Cleared before the renewal starts, so that the renewal's read of the state cannot bring the token back.
            if (Persist)
                _ = ForgetStoredAsync(s => s.RemoveToken(slot.Scope));
            slot.Reject(accessTokenSha256);
            break;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<UserTokenStatus> GetStatusAsync()
    {
        var stored = _state.Current;
        var token = Token(UserScope);
        return Task.FromResult(new UserTokenStatus(
            UserId, stored.BoostedUserId is not null, stored.BoostedUserId, stored.Workspace,
            token.Current?.ExpiresAt, token.LastRenewal, _lastError, stored.Profile?.Email, stored.Profile?.Name));
    }

    /// <summary>The slot of a normalised scope set, made (and restored from storage) on first use.</summary>
    private Slot Token(string scope)
    {
        if (FindSlot(scope) is { } slot)
            return slot;
        slot = new Slot(this, scope);
        if (scope == UserScope)
            _defaultSlot = slot;
        else
            (_otherSlots ??= new Dictionary<string, Slot>(StringComparer.Ordinal))[scope] = slot;
        if (Persist && _state.Current.FindToken(scope) is { } stored && Unprotect(scope, stored) is { } restored)
            slot.Restore(restored, stored.ObtainedAt);
        return slot;
    }

    private Slot? FindSlot(string scope) =>
        scope == UserScope ? _defaultSlot : _otherSlots?.GetValueOrDefault(scope);

    private IEnumerable<Slot> Slots()
    {
        if (_defaultSlot is not null)
            yield return _defaultSlot;
        foreach (var slot in _otherSlots?.Values ?? Enumerable.Empty<Slot>())
            yield return slot;
    }

    private AccessToken? Unprotect(string scope, StoredToken stored)
    {
        if (_services.Protector.TryUnprotect(UserId, scope, stored) is { } token)
            return token;
        LogStoredTokenUnreadable(Logger, scope, this.GetPrimaryKeyString(), stored.KekId);
        return null;
    }

    private async Task<AccessToken> ExchangeAsync(string scope)
    {
        try
        {
            while (true)
            {
                // Each exchange is tagged with the identity it is signed for: one that a re-provisioning overtook while
                // it was in flight (a refresh-ahead renewal, typically) is dropped, not served for an hour.
                var generation = _identityGeneration;
                var seen = _state.Current.FindToken(scope);
                // A caller waits: another activation of this grain (during membership changes) may have stored a token
                // meanwhile. A renewal ahead of time skips the read; its write still meets such a token (ETag) and adopts it.
                if (Persist && !Token(scope).HoldsUsableToken && await ReloadAsync())
                {
                    seen = _state.Current.FindToken(scope);
                    if (Adoptable(scope, seen) is { } adopted)
                        return adopted;
                }
                var boostedUserId = await EnsureProvisionedAsync();
                var subject = Options.SubjectClaim == SubjectClaim.ExternalUserId ? UserId : boostedUserId;
                // A fresh assertion per attempt: a retry after a lost answer must not replay the jti.
                var token = await _services.TokenClient.ExchangeAsync(ct => _services.Signer.CreateAssertionAsync(subject, ct), scope);
                if (generation != _identityGeneration)
                {
                    LogDroppedStaleIdentityToken(Logger, scope, this.GetPrimaryKeyString());
                    continue;
                }
                _lastError = null;
                return Persist ? await StoreAsync(scope, token, seen) : token;
            }
        }
        catch (Exception e)
        {
            // Typed errors carry safe, actionable messages; anything else is named by type only, since its message
            // (storage, signing) is not ours to vouch for.
            _lastError = e is BoostedException or InvalidUserIdException or StoredStateRefusedException ? e.Message : $"{e.GetType().Name} while renewing the token.";
            // Boosted being unavailable is the silo's news, logged once per change (reachability, the circuit), not per user.
            LogRenewalFailed(Logger, e is BoostedUnavailableException ? LogLevel.Debug : LogLevel.Warning, scope, this.GetPrimaryKeyString(), _lastError);
            // A scope that never got a token (one Boosted refuses, say) leaves no slot behind, so callers cannot grow
            // the activation without bound by asking for made-up scopes.
            if (scope != UserScope && FindSlot(scope) is { Current: null })
                RemoveSlot(scope);
            throw;
        }
    }

    /// <summary>
    /// Writes the new token; when the write meets another activation's newer token (an ETag conflict re-read it), that
    /// token wins and is returned instead. A failed write costs only persistence: the token is served anyway.
    /// </summary>
    private async Task<AccessToken> StoreAsync(string scope, AccessToken token, StoredToken? seen)
    {
        AccessToken? winner = null;
        var sealedToken = _services.Protector.Protect(UserId, scope, token, Time.GetUtcNow());
        try
        {
            await _state.UpdateAsync(s =>
            {
                var stored = s.FindToken(scope);
                if (stored is not null && !SameCiphertext(stored, seen) && !ReferenceEquals(stored, sealedToken)
                    && (winner = Adoptable(scope, stored)) is not null)
                    return false;
                winner = null;
                s.SetToken(sealedToken);
                return true;
            });
        }
        catch (Exception e)
        {
            LogStoreFailed(Logger, scope, this.GetPrimaryKeyString(), e.GetType().Name);
        }
        return winner ?? token;
    }

    /// <summary>A stored token that another activation wrote, if it is valid and outlives the one held here.</summary>
    private AccessToken? Adoptable(string scope, StoredToken? stored)
    {
        var held = FindSlot(scope)?.Current;
        if (stored is null || stored.ExpiresAt <= (held?.ExpiresAt ?? DateTimeOffset.MinValue)
            || !RenewableToken.IsUsable(Options, stored.ObtainedAt, stored.ExpiresAt, Time.GetUtcNow()))
            return null;
        var token = Unprotect(scope, stored);
        return token is not null && token.Sha256 != held?.Sha256 ? token : null;
    }

    /// <summary>Re-reads the state; storage that cannot answer must not stop an exchange, so a failure is only logged.</summary>
    private async Task<bool> ReloadAsync()
    {
        try
        {
            await _state.ReloadAsync();
            return true;
        }
        catch (StoredStateRefusedException refused)
        {
            Refuse(refused);
            throw;
        }
        catch (Exception e)
        {
            LogReadFailed(Logger, this.GetPrimaryKeyString(), e.GetType().Name);
            return false;
        }
    }

    private static bool SameCiphertext(StoredToken stored, StoredToken? seen) =>
        seen is not null && stored.Data.AsSpan().SequenceEqual(seen.Data);

    private async Task ForgetStoredAsync(Func<UserTokenState, bool> forget)
    {
        try
        {
            await _state.UpdateAsync(forget);
        }
        catch (Exception e)
        {
            LogClearFailed(Logger, this.GetPrimaryKeyString(), e.GetType().Name);
        }
    }

    // A slot and its refresh timer go together: a timer left behind would fire for a slot that no longer exists.
    private void RemoveSlot(string scope)
    {
        if (_otherSlots is not null && _otherSlots.Remove(scope, out var slot))
            slot.StopRefreshTimer();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "User {UserId} serves nothing: {Reason}")]
    private static partial void LogStateRefused(ILogger logger, string userId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored {Scope} token of user {UserId} does not decrypt (KEK '{KekId}' is not configured, or the data "
        + "was altered or belongs to another user): it is discarded and a new one exchanged.")]
    private static partial void LogStoredTokenUnreadable(ILogger logger, string scope, string userId, string? kekId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped a {Scope} token of user {UserId} obtained for the identity before its re-provisioning")]
    private static partial void LogDroppedStaleIdentityToken(ILogger logger, string scope, string userId);

    [LoggerMessage(Message = "Renewing the {Scope} token of user {UserId} failed: {Error}")]
    private static partial void LogRenewalFailed(ILogger logger, LogLevel level, string scope, string userId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing the {Scope} token of user {UserId} failed ({Error}): it is served, but a new activation will exchange again.")]
    private static partial void LogStoreFailed(ILogger logger, string scope, string userId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the stored tokens of user {UserId} failed ({Error}): exchanging without them.")]
    private static partial void LogReadFailed(ILogger logger, string userId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clearing a stored token of user {UserId} failed ({Error}).")]
    private static partial void LogClearFailed(ILogger logger, string userId, string error);
}
