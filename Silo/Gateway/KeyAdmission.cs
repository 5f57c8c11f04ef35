using System.Collections.Frozen;
using System.Globalization;
using System.Threading.RateLimiting;
using BoostedGrains.Boosted;
using BoostedGrains.Silo.Http;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// What an API key may do with a user, after the key itself was accepted: its user-ID prefixes and workspaces (403
/// <c>key_out_of_scope</c>), changing a provisioned user's email or name (403 <c>profile_update_not_allowed</c>), and its
/// cap on new users (429 <c>new_user_rate_limited</c>). Logs each key and user pair on its first use on this silo.
/// </summary>
/// <remarks>
/// The workspace of a request is the workspace the user is provisioned in (the grain's status), or, for a user not yet
/// provisioned, the one the request's profile names, else <c>Boosted__DefaultWorkspace__ExternalId</c>: the workspace
/// the user would be created in. The grain's status is asked only when the answer is not known on this silo: the first
/// time a key serves a user, and when a key without the profile permission sends an email or name.
/// </remarks>
public sealed class KeyAdmission : IAsyncDisposable
{
    // Pairs of key and user served on this silo, with the user's workspace; bounded, so that a key touching many users
    // cannot grow the silo's memory without end. An evicted pair is simply asked about (and logged) again.
    private const int SeenLimit = 100_000;

    private readonly MemoryCache _seen = new(new MemoryCacheOptions { SizeLimit = SeenLimit });
    private readonly FrozenDictionary<string, FixedWindowRateLimiter> _newUsers;
    // Read when first needed: the Boosted options are validated when the silo starts, not when its endpoints are mapped.
    private readonly IOptions<BoostedOptions> _boosted;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;

    public KeyAdmission(IOptions<GatewayOptions> gateway, IOptions<BoostedOptions> boosted, GatewayMetrics metrics, ILogger<KeyAdmission> logger)
    {
        _newUsers = gateway.Value.Resolved().Where(key => key.NewUsersPerMinute > 0).ToFrozenDictionary(key => key.Name,
            key => new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = key.NewUsersPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        _boosted = boosted;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>
    /// Decides without asking the grain when <paramref name="key"/> already served <paramref name="userId"/> on this silo:
    /// true with the refusal (or null) and the ticket for <see cref="Served"/>; false when <see cref="AdmitTokenAsync"/> must decide.
    /// </summary>
    public bool TryAdmitKnown(GatewayKey key, string userId, UserProfile? profile, out IResult? refusal, out Ticket ticket)
    {
        ticket = default;
        if (!key.AllowsUser(userId))
        {
            refusal = OutOfScope(key, PrefixDetail);
            return true;
        }
        refusal = null;
        // A user this silo saw created has the workspace Boosted put it in only once the grain says so (an adopted
        // user keeps its own): a workspace-scoped key asks once more.
        if (profile is { Email: not null } or { Name: not null } && !key.CanUpdateProfile
            || _seen.Get<Seen>((key.Name, userId)) is not { } seen
            || key.HasWorkspaceScope && !seen.Confirmed)
            return false;
        // Known on this silo: provisioned, in this workspace (Boosted does not move users).
        if (AllowsWorkspace(key, seen.Workspace, profile?.Workspace))
            ticket = new Ticket(FirstUse: false, Remember: false, Created: false, seen.Workspace);
        else
            refusal = OutOfScope(key, WorkspaceDetail);
        return true;
    }

    /// <summary>
    /// The refusal of <paramref name="key"/> fetching <paramref name="userId"/>'s token with <paramref name="profile"/>, or
    /// null to go on, from the grain's status; the ticket is handed back to <see cref="Served"/>.
    /// </summary>
    public async Task<(IResult? Refusal, Ticket Ticket)> AdmitTokenAsync(HttpContext http, GatewayKey key, string userId, IUserTokenGrain grain,
        UserProfile? profile)
    {
        var changesProfile = profile is { Email: not null } or { Name: not null } && !key.CanUpdateProfile;
        var seen = _seen.Get<Seen>((key.Name, userId));
        var status = await grain.GetStatusAsync();
        var workspace = status.Provisioned ? status.Workspace : profile?.Workspace ?? _boosted.Value.DefaultWorkspace.ExternalId;
        if (!AllowsWorkspace(key, workspace, profile?.Workspace))
            return (OutOfScope(key, WorkspaceDetail), default);
        if (status.Provisioned && changesProfile
            && (profile!.Email is { } email && email != status.Email || profile.Name is { } name && name != status.Name))
        {
            return (Refuse(key, StatusCodes.Status403Forbidden, "Profile changes not allowed for this API key",
                "The user is already provisioned and this API key may not change its email or name (Gateway__Keys__N__CanUpdateProfile). "
                + "Send the profile the user has, or none.", "profile_update_not_allowed"), default);
        }
        if (!status.Provisioned && _newUsers.TryGetValue(key.Name, out var newUsers))
        {
            // Asking for no permit only looks: the cap counts users created (in Served), not attempts, so calls that fail
            // while Boosted is down spend none of it. Concurrent first calls may pass the look together: the overshoot is
            // bounded by the key's requests in flight.
            using var lease = newUsers.AttemptAcquire(0);
            if (!lease.IsAcquired)
                return (NewUsersCapped(http, key, lease), default);
        }
        return (null, new Ticket(FirstUse: seen is null, Remember: seen is not { Confirmed: true }, Created: !status.Provisioned, workspace));
    }

    /// <summary>The refusal of <paramref name="key"/> reporting a rejected token of <paramref name="userId"/>, or null.</summary>
    public async Task<IResult?> AdmitReportAsync(GatewayKey key, string userId, IUserTokenGrain grain)
    {
        if (!key.AllowsUser(userId))
            return OutOfScope(key, PrefixDetail);
        if (!key.HasWorkspaceScope)
            return null;
        var workspace = _seen.Get<Seen>((key.Name, userId)) is { Confirmed: true } seen ? seen.Workspace : null;
        if (workspace is null)
        {
            var status = await grain.GetStatusAsync();
            workspace = status.Provisioned ? status.Workspace : _boosted.Value.DefaultWorkspace.ExternalId;
        }
        return key.AllowsWorkspace(workspace) ? null : OutOfScope(key, WorkspaceDetail);
    }

    /// <summary>The token of <paramref name="userId"/> was handed out with <paramref name="key"/>.</summary>
    public void Served(GatewayKey key, string userId, Ticket ticket)
    {
        _metrics.Request(key.Name, "served");
        if (ticket.Created)
        {
            _metrics.UserCreated(key.Name);
            if (_newUsers.TryGetValue(key.Name, out var newUsers))
                newUsers.AttemptAcquire().Dispose();
        }
        if (ticket.Remember)
        {
            _seen.Set((key.Name, userId), new Seen(ticket.Workspace, Confirmed: !ticket.Created),
                new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
        }
        if (ticket.FirstUse)
            FirstUse(_logger, key.Name, userId, ticket.Workspace, ticket.Created ? "created" : "existing", null);
    }

    /// <summary>A request with <paramref name="key"/> was refused by its budget with <paramref name="code"/>.</summary>
    public void Refused(GatewayKey key, string code) => _metrics.Request(key.Name, code);

    private const string PrefixDetail = "This API key serves only user IDs starting with one of its Gateway__Keys__N__UserIdPrefixes.";

    private const string WorkspaceDetail = "This API key serves only users of its Gateway__Keys__N__Workspaces.";

    private static bool AllowsWorkspace(GatewayKey key, string? workspace, string? requested) =>
        key.AllowsWorkspace(workspace) && (requested is null || key.AllowsWorkspace(requested));

    private IResult OutOfScope(GatewayKey key, string detail) =>
        Refuse(key, StatusCodes.Status403Forbidden, "User out of this API key's scope", detail, "key_out_of_scope");

    private IResult NewUsersCapped(HttpContext http, GatewayKey key, RateLimitLease lease)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Refuse(key, StatusCodes.Status429TooManyRequests, "Too many new users for this API key",
            $"This API key created {key.NewUsersPerMinute} users in the last minute on this silo (Gateway__NewUsersPerMinute); "
            + $"users it already served are not limited. Retry after {seconds} s.", "new_user_rate_limited");
    }

    private IResult Refuse(GatewayKey key, int status, string title, string detail, string code)
    {
        _metrics.Request(key.Name, code);
        return ProblemResponses.Problem(status, title, detail, code);
    }

    private static readonly Action<ILogger, string, string, string?, string, Exception?> FirstUse = LoggerMessage.Define<string, string, string?, string>(
        LogLevel.Information, new EventId(1, "ApiKeyFirstUse"),
        "API key {KeyName} fetched a token for user {UserId} (workspace {Workspace}, user {Provisioning}) for the first time on this silo.");

    /// <summary>Stops the new-user windows' timers and empties the seen pairs.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var limiter in _newUsers.Values)
            await limiter.DisposeAsync();
        _seen.Dispose();
    }

    // Confirmed: the workspace is the grain's (the user was provisioned when asked), not the one it was to be created in.
    private sealed record Seen(string? Workspace, bool Confirmed);

    /// <summary>What <see cref="Served"/> needs to know about an admitted request.</summary>
    public readonly record struct Ticket(bool FirstUse, bool Remember, bool Created, string? Workspace);
}
