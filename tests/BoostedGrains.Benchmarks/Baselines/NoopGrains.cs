namespace BoostedGrains.Benchmarks.Baselines;

/// <summary>
/// References to the no-op grains made the way <c>GetUserTokenGrain</c> makes the user's: from the grain ID, with the
/// grain and interface types resolved once (Orleans' <c>GetGrain&lt;T&gt;(key)</c> resolves them by reflection on every
/// call, a cost the product does not pay and a baseline must not either).
/// </summary>
public sealed class NoopGrains(IGrainFactory grains)
{
    private readonly GrainReference _template = (GrainReference)grains.GetGrain<INoopGrain>("template");

    public INoopGrain For(string user) =>
        (INoopGrain)grains.GetGrain(GrainId.Create(_template.GrainId.Type, IdSpan.Create(user)), _template.InterfaceType);
}
