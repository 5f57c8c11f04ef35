using BoostedGrains.Keys;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Hierarchy;

/// <summary>
/// Binds an organization's stored Boosted <c>org_id</c> to its external ID. A record written without the binding is
/// not trusted: the grain ensures the organization again, and Boosted hands back the one it knows by this ID.
/// </summary>
internal sealed partial class OrgStateBinding(RecordBinder binder, ILogger<OrgStateBinding> logger) : SealedStateBinding<OrgState>(binder)
{
    protected override string Kind => "organization";

    protected override string Recovery(string owner) =>
        "Check who can write the grain-state table, then delete the organization's row: the silo adopts the organization Boosted knows by this ID on next use.";

    protected override string?[] Fields(OrgState state) => [state.OrgId];

    protected override (string? Owner, string? KekId, byte[]? Tag) Stored(OrgState state, string owner) => (state.Owner, state.SealKekId, state.Seal);

    protected override void Store(OrgState state, string owner, string kekId, byte[] tag) =>
        (state.Owner, state.SealKekId, state.Seal) = (owner, kekId, tag);

    protected override OrgState Unbound(OrgState state, string owner)
    {
        if (state.OrgId is null)
            return state;
        LogUnboundDropped(logger, owner);
        return new OrgState();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored state of organization {Organization} carries no binding to its ID (written by an earlier version, "
        + "or stripped in storage): its Boosted org_id is not trusted; the organization is ensured again, which adopts the one Boosted knows by this ID.")]
    private static partial void LogUnboundDropped(ILogger logger, string organization);
}
