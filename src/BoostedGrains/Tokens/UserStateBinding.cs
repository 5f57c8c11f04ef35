using BoostedGrains.Keys;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tokens;

/// <summary>
/// Binds a user's stored Boosted <c>user_id</c> and workspace to the user ID. A record written without the binding
/// may have been written by another ID (Azure Table once stored <c>a/b</c> and <c>a_b</c> in one row), so its Boosted
/// identity and tokens are dropped: the grain provisions again, and Boosted hands back the user it knows by this ID.
/// </summary>
internal sealed partial class UserStateBinding(RecordBinder binder, ILogger<UserStateBinding> logger) : SealedStateBinding<UserTokenState>(binder)
{
    protected override string Kind => "user";

    protected override string Recovery(string owner) =>
        "Check who can write the grain-state table, then re-provision the user (POST /admin/users/{userId}/reprovision): "
        + "the silo then stores the user Boosted knows by this ID.";

    protected override string?[] Fields(UserTokenState state) => [state.BoostedUserId, state.Workspace];

    protected override (string? Owner, string? KekId, byte[]? Tag) Stored(UserTokenState state, string owner) => (state.Owner, state.SealKekId, state.Seal);

    protected override void Store(UserTokenState state, string owner, string kekId, byte[] tag) =>
        (state.Owner, state.SealKekId, state.Seal) = (owner, kekId, tag);

    protected override UserTokenState Unbound(UserTokenState state, string owner)
    {
        if (state.BoostedUserId is null && state.Workspace is null && state.Profile is null && !state.AllTokens().Any())
            return state;
        LogUnboundDropped(logger, owner);
        return new UserTokenState();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored state of user {UserId} carries no binding to its ID (written by an earlier version, "
        + "or stripped in storage): its Boosted identity and tokens are not trusted; the user is provisioned again, which adopts the user Boosted knows by this ID.")]
    private static partial void LogUnboundDropped(ILogger logger, string userId);
}
