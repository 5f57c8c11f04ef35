namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>Every test shares one Azurite and runs one at a time: silos and load need the machine's cores to themselves.</summary>
[CollectionDefinition(Name)]
public sealed class HostingCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "hosting";
}
