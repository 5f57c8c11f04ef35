namespace BoostedGrains.Testing;

/// <summary>The shared Azurite as the hosting tests' collection fixture: xunit starts it before the first test and stops it after the last.</summary>
public sealed partial class AzuriteServer : IAsyncLifetime;
