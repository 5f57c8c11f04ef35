using BoostedGrains.Boosted;
using BoostedGrains.Concurrency;
using BoostedGrains.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace BoostedGrains.Hierarchy;

/// <summary>
/// A Boosted Workspace (the partner's account), created at most once under the default organization
/// (<c>Boosted__DefaultOrganization__ExternalId</c>), which it ensures first. Concurrent first calls share one create.
/// </summary>
[Reentrant]
public sealed class AccountGrain(
    [PersistentState("account", GrainStorage.Name)] IPersistentState<AccountState> state,
    BoostedAccountClient accountClient,
    IOptions<BoostedOptions> options) : Grain, IAccountGrain
{
    private readonly SerializedState<AccountState> _state = new(state);
    private readonly string _organization = options.Value.DefaultOrganization.ExternalId;
    private readonly SingleFlight<WorkspaceInfo> _creating = new();

    /// <inheritdoc />
    public Task<WorkspaceInfo> EnsureCreatedAsync() =>
        Info() is { } info ? Task.FromResult(info) : _creating.RunAsync(CreateAsync);

    /// <inheritdoc />
    public Task<WorkspaceInfo?> GetInfoAsync() => Task.FromResult(Info());

    private WorkspaceInfo? Info() =>
        _state.Current is { WorkspaceId: { } workspaceId, OrgId: { } orgId } ? new WorkspaceInfo(this.GetPrimaryKeyString(), workspaceId, orgId) : null;

    private async Task<WorkspaceInfo> CreateAsync()
    {
        var orgId = await GrainFactory.GetGrain<IOrgGrain>(_organization).EnsureCreatedAsync();
        var workspace = await accountClient.EnsureWorkspaceAsync(orgId, this.GetPrimaryKeyString());
        await _state.UpdateAsync(s =>
        {
            if (s.WorkspaceId is not null)
                return false;
            s.WorkspaceId = workspace.WorkspaceId;
            s.OrgId = workspace.OrgId;
            return true;
        });
        return Info() ?? workspace;
    }
}
