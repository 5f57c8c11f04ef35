using BoostedGrains.Boosted;
using BoostedGrains.Concurrency;
using BoostedGrains.Hosting;
using Orleans.Concurrency;

namespace BoostedGrains.Hierarchy;

/// <summary>
/// A Boosted Organization, created at most once (docs/design.md rule 6). Reentrant so that lookups are not held up by a slow
/// create; concurrent first calls share the one create in flight.
/// </summary>
[Reentrant]
public sealed class OrgGrain(
    [PersistentState("org", GrainStorage.Name)] IPersistentState<OrgState> state,
    BoostedAccountClient accountClient) : Grain, IOrgGrain
{
    private readonly SerializedState<OrgState> _state = new(state);
    private readonly SingleFlight<string> _creating = new();

    /// <inheritdoc />
    public Task<string> EnsureCreatedAsync() =>
        _state.Current.OrgId is { } id ? Task.FromResult(id) : _creating.RunAsync(CreateAsync);

    /// <inheritdoc />
    public Task<string?> GetBoostedIdAsync() => Task.FromResult(_state.Current.OrgId);

    private async Task<string> CreateAsync()
    {
        var orgId = await accountClient.EnsureOrganizationAsync(this.GetPrimaryKeyString());
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
