using BoostedGrains.Boosted;
using BoostedGrains.Concurrency;
using BoostedGrains.Errors;
using BoostedGrains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;

namespace BoostedGrains.Hierarchy;

/// <summary>
/// A Boosted Workspace (the partner's account), created at most once under the default organization
/// (<c>Boosted__DefaultOrganization__ExternalId</c>), which it ensures first. Concurrent first calls share one create.
/// Its stored IDs are sealed to its key (<see cref="AccountStateBinding"/>): state that fails the check serves nothing.
/// </summary>
[Reentrant]
public sealed class AccountGrain : Grain, IAccountGrain
{
    private readonly SerializedState<AccountState> _state;
    private readonly BoostedAccountClient _accountClient;
    private readonly string _organization;
    private readonly SingleFlight<WorkspaceInfo> _creating = new();
    private StoredStateRefusedException? _refusal;

    /// <summary>A workspace grain on the BoostedGrains grain storage.</summary>
    public AccountGrain([FromKeyedServices(GrainStorage.Name)] IGrainStorage storage, BoostedAccountClient accountClient, IOptions<BoostedOptions> options,
        IServiceProvider services)
    {
        _state = new(new GrainStorageState<AccountState>(StateName, GrainContext, storage, services.GetRequiredService<AccountStateBinding>()));
        _accountClient = accountClient;
        _organization = options.Value.DefaultOrganization.ExternalId;
    }

    /// <summary>The grain storage's name for a workspace's state.</summary>
    internal const string StateName = "account";

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _state.ReadAsync();
        }
        catch (StoredStateRefusedException refused)
        {
            _refusal = refused;
        }
    }

    /// <inheritdoc />
    public Task<WorkspaceInfo> EnsureCreatedAsync()
    {
        ThrowIfRefused();
        return Info() is { } info ? Task.FromResult(info) : _creating.RunAsync(CreateAsync);
    }

    /// <inheritdoc />
    public Task<WorkspaceInfo?> GetInfoAsync()
    {
        ThrowIfRefused();
        return Task.FromResult(Info());
    }

    private void ThrowIfRefused()
    {
        if (_refusal is not null)
            throw _refusal;
    }

    private WorkspaceInfo? Info() =>
        _state.Current is { WorkspaceId: { } workspaceId, OrgId: { } orgId } ? new WorkspaceInfo(this.GetPrimaryKeyString(), workspaceId, orgId) : null;

    private async Task<WorkspaceInfo> CreateAsync()
    {
        var orgId = await GrainFactory.GetGrain<IOrgGrain>(_organization).EnsureCreatedAsync();
        var workspace = await _accountClient.EnsureWorkspaceAsync(orgId, this.GetPrimaryKeyString());
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
