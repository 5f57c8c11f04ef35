using BoostedGrains.Boosted;
using BoostedGrains.Concurrency;
using BoostedGrains.Errors;
using BoostedGrains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Storage;

namespace BoostedGrains.Hierarchy;

/// <summary>
/// A Boosted Organization, created at most once (docs/design.md rule 6). Reentrant so that lookups are not held up by a slow
/// create; concurrent first calls share the one create in flight. Its stored <c>org_id</c> is sealed to its key
/// (<see cref="OrgStateBinding"/>): state that fails the check serves nothing.
/// </summary>
[Reentrant]
public sealed class OrgGrain : Grain, IOrgGrain
{
    private readonly SerializedState<OrgState> _state;
    private readonly BoostedAccountClient _accountClient;
    private readonly SingleFlight<string> _creating = new();
    private StoredStateRefusedException? _refusal;

    /// <summary>An organization grain on the BoostedGrains grain storage.</summary>
    public OrgGrain([FromKeyedServices(GrainStorage.Name)] IGrainStorage storage, BoostedAccountClient accountClient, IServiceProvider services)
    {
        _state = new(new GrainStorageState<OrgState>(StateName, GrainContext, storage, services.GetRequiredService<OrgStateBinding>()));
        _accountClient = accountClient;
    }

    /// <summary>The grain storage's name for an organization's state.</summary>
    internal const string StateName = "org";

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
    public Task<string> EnsureCreatedAsync()
    {
        ThrowIfRefused();
        return _state.Current.OrgId is { } id ? Task.FromResult(id) : _creating.RunAsync(CreateAsync);
    }

    /// <inheritdoc />
    public Task<string?> GetBoostedIdAsync()
    {
        ThrowIfRefused();
        return Task.FromResult(_state.Current.OrgId);
    }

    private void ThrowIfRefused()
    {
        if (_refusal is not null)
            throw _refusal;
    }

    private async Task<string> CreateAsync()
    {
        var orgId = await _accountClient.EnsureOrganizationAsync(this.GetPrimaryKeyString());
        await _state.UpdateAsync(s =>
        {
            if (s.OrgId is not null)
                return false;
            s.OrgId = orgId;
            return true;
        });
        return _state.Current.OrgId ?? orgId;
    }
}
