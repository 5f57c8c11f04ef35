namespace BoostedGrains.Benchmarks.Baselines;

/// <summary>The baseline of row 1: a grain call that does nothing, on the same cluster as the token grains.</summary>
public interface INoopGrain : IGrainWithStringKey
{
    Task PingAsync();
}
