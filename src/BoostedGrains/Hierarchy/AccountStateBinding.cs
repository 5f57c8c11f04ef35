using BoostedGrains.Keys;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Hierarchy;

/// <summary>
/// Binds a workspace's stored Boosted IDs to its external ID. A record written without the binding is not trusted:
/// the grain ensures the workspace again, and Boosted hands back the one it knows by this ID.
/// </summary>
internal sealed partial class AccountStateBinding(RecordBinder binder, ILogger<AccountStateBinding> logger) : SealedStateBinding<AccountState>(binder)
{
    protected override string Kind => "workspace";

    protected override string Recovery(string owner) =>
        "Check who can write the grain-state table, then delete the workspace's row: the silo adopts the workspace Boosted knows by this ID on next use.";

    protected override string?[] Fields(AccountState state) => [state.WorkspaceId, state.OrgId];

    protected override (string? Owner, string? KekId, byte[]? Tag) Stored(AccountState state, string owner) => (state.Owner, state.SealKekId, state.Seal);

    protected override void Store(AccountState state, string owner, string kekId, byte[] tag) =>
        (state.Owner, state.SealKekId, state.Seal) = (owner, kekId, tag);

    protected override AccountState Unbound(AccountState state, string owner)
    {
        if (state.WorkspaceId is null && state.OrgId is null)
            return state;
        LogUnboundDropped(logger, owner);
        return new AccountState();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored state of workspace {Workspace} carries no binding to its ID (written by an earlier version, "
        + "or stripped in storage): its Boosted IDs are not trusted; the workspace is ensured again, which adopts the one Boosted knows by this ID.")]
    private static partial void LogUnboundDropped(ILogger logger, string workspace);
}
