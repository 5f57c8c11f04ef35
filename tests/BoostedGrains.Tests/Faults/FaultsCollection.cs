namespace BoostedGrains.Tests.Faults;

/// <summary>
/// The fault classes run one after another (each still has its own cluster and emulator): their timing bounds are
/// about the cluster under a fault, not about how many other clusters share the two cores at that moment.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultsCollection
{
    public const string Name = "Faults";
}
