using BoostedGrains.Keys;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Tokens;

namespace BoostedGrains.Silo.Admin;

/// <summary>Operators' endpoints under <c>/admin</c>, behind <see cref="AdminKeyFilter"/>: keys and users.</summary>
public static class AdminApi
{
    /// <summary>Maps the admin endpoints; call only when an admin key is configured.</summary>
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin").AddEndpointFilter(endpoints.ServiceProvider.GetRequiredService<AdminKeyFilter>());
        admin.MapGet("/keys", ListKeysAsync);
        admin.MapPost("/keys/rotate", RotateAsync);
        admin.MapPost("/keys/{kid}/revoke", RevokeAsync);
        admin.MapGet("/users/{userId}", UserStatusAsync);
        admin.MapPost("/users/{userId}/reprovision", ReprovisionAsync);
        return admin;
    }

    private static async Task<IResult> ListKeysAsync(IGrainFactory grains) =>
        await GatewayErrors.HandleAsync(async () =>
            Results.Ok(new { keys = (await grains.GetKeyRing().ListKeysAsync()).Select(KeyView.From) }));

    private static async Task<IResult> RotateAsync(IGrainFactory grains, SigningKeyCache cache, ILogger<AdminKeyFilter> logger, bool force = false) =>
        await GatewayErrors.HandleAsync(async () =>
        {
            var key = await grains.GetKeyRing().RotateNowAsync(force);
            // This silo follows at once; the others within KeyRing__RefreshInterval.
            await cache.RefreshAsync();
            if (force)
                logger.LogWarning("Audit: an operator forced rotate-now (?force=true): new key {Kid} signs from {EligibleAt:O} without the public URL having served it", key.Kid, key.EligibleAt);
            else
                logger.LogInformation("An operator rotated the signing keys: new key {Kid}", key.Kid);
            return Results.Ok(KeyView.From(key));
        });

    private static async Task<IResult> RevokeAsync(string kid, IGrainFactory grains, SigningKeyCache cache, ILogger<AdminKeyFilter> logger) =>
        await GatewayErrors.HandleAsync(async () =>
        {
            if (!await grains.GetKeyRing().RevokeAsync(kid))
                return Results.Problem(title: "No such key", detail: "No live key has this kid; GET /admin/keys lists them.",
                    statusCode: StatusCodes.Status404NotFound, extensions: new Dictionary<string, object?> { ["code"] = "unknown_key" });
            await cache.RefreshAsync();
            logger.LogWarning("An operator revoked signing key {Kid}", kid);
            return Results.Ok(new { revoked = kid });
        });

    private static async Task<IResult> UserStatusAsync(string userId, IGrainFactory grains) =>
        await GatewayErrors.HandleAsync(async () =>
            Results.Ok(UserStatusView.From(await grains.GetUserTokenGrain(userId).GetStatusAsync())));

    private static async Task<IResult> ReprovisionAsync(string userId, IGrainFactory grains) =>
        await GatewayErrors.HandleAsync(async () =>
        {
            var admin = grains.GetGrain<IUserTokenAdminGrain>(UserIds.Validate(userId));
            return Results.Ok(UserStatusView.From(await admin.ReprovisionAsync()));
        });
}
