using BoostedGrains.Diagnostics;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Silo.Http;
using BoostedGrains.Tokens;

namespace BoostedGrains.Silo.Admin;

/// <summary>Operators' endpoints under <c>/admin</c>, behind <see cref="AdminKeyFilter"/>: keys and users.</summary>
public static class AdminApi
{
    /// <summary>Maps the admin endpoints; call only when an admin key is configured.</summary>
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin").AddEndpointFilter(AdminKeyFilter.ForApi(endpoints.ServiceProvider));
        admin.MapGet("/keys", ListKeysAsync);
        admin.MapPost("/keys/rotate", RotateAsync);
        admin.MapPost("/keys/{kid}/revoke", RevokeAsync);
        admin.MapGet("/users/{userId}", UserStatusAsync);
        admin.MapPost("/users/{userId}/reprovision", ReprovisionAsync);
        return admin;
    }

    private static async Task<IResult> ListKeysAsync(IGrainFactory grains) =>
        await ProblemResponses.HandleAsync(async () =>
            Results.Ok(new { keys = (await grains.GetKeyRing().ListKeysAsync()).Select(KeyView.From) }));

    private static async Task<IResult> RotateAsync(HttpContext http, IGrainFactory grains, SigningKeyCache cache, AdminAudit audit, bool force = false) =>
        // A forced rotation skips the public-URL check: audited under its own action name.
        await AuditedAsync(audit, force ? "rotate_forced" : "rotate", "keyring", http, async () =>
        {
            var key = await grains.GetKeyRing().RotateNowAsync(force);
            // This silo follows at once; the others within KeyRing__RefreshInterval.
            await cache.RefreshAsync();
            return ("done", key.Kid, Results.Ok(KeyView.From(key)));
        });

    private static async Task<IResult> RevokeAsync(string kid, HttpContext http, IGrainFactory grains, SigningKeyCache cache, AdminAudit audit) =>
        await AuditedAsync(audit, "revoke", kid, http, async () =>
        {
            if (!await grains.GetKeyRing().RevokeAsync(kid))
                return ("not_found", kid, ProblemResponses.Problem(StatusCodes.Status404NotFound, "No such key",
                    "No live key has this kid; GET /admin/keys lists them.", "unknown_key"));
            await cache.RefreshAsync();
            return ("done", kid, Results.Ok(new { revoked = kid }));
        });

    private static async Task<IResult> UserStatusAsync(HttpContext http, IGrainFactory grains) =>
        await ProblemResponses.HandleAsync(async () =>
            Results.Ok(UserStatusView.From(await grains.GetUserTokenGrain(RawUserId.Resolve(http)).GetStatusAsync())));

    private static async Task<IResult> ReprovisionAsync(HttpContext http, IGrainFactory grains, AdminAudit audit) =>
        await AuditedAsync(audit, "reprovision", "user", http, async () =>
        {
            var userId = RawUserId.Resolve(http);
            var admin = grains.GetGrain<IUserTokenAdminGrain>(userId);
            return ("done", userId, Results.Ok(UserStatusView.From(await admin.ReprovisionAsync())));
        });

    // One audit event per action, whatever happens: the action's own outcome, or "failed" when it threw.
    private static async Task<IResult> AuditedAsync(AdminAudit audit, string action, string target, HttpContext http,
        Func<Task<(string Outcome, string Target, IResult Result)>> act)
    {
        var outcome = "failed";
        try
        {
            return await ProblemResponses.HandleAsync(async () =>
            {
                (outcome, target, var result) = await act();
                return result;
            });
        }
        finally
        {
            audit.Record(action, target, AdminKeyFilter.Caller(http), outcome);
        }
    }
}
