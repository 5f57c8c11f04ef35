namespace BoostedGrains.Client;

/// <summary>
/// Tells the token handler whose Boosted token to attach: the app's current user. Resolved from the root services
/// (handlers outlive requests), so read per-request data through something like <c>IHttpContextAccessor</c>.
/// </summary>
public interface IBoostedUserAccessor
{
    /// <summary>The partner's ID of the current user, or null when there is none.</summary>
    ValueTask<string?> GetUserIdAsync(CancellationToken cancellationToken);
}
