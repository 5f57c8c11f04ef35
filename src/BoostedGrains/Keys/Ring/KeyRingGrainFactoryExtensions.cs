namespace BoostedGrains.Keys;

/// <summary>Finds the cluster's key ring.</summary>
public static class KeyRingGrainFactoryExtensions
{
    /// <summary>The key of the single key ring.</summary>
    public const string DefaultKey = "default";

    /// <summary>The cluster's key ring grain.</summary>
    public static IKeyRingGrain GetKeyRing(this IGrainFactory grains) => grains.GetGrain<IKeyRingGrain>(DefaultKey);
}
