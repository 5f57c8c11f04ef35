namespace BoostedGrains.Testing;

/// <summary>How the tests start an Azurite table service from the pinned npm package in <c>tests/Azurite</c>, and reach it.</summary>
internal static class AzuriteTable
{
    // Azurite's well-known development account (public, documented by Microsoft); not a secret.
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static string Package => Path.Combine(RepoPaths.Root, "tests", "Azurite");

    public static string Script => Path.Combine(Package, "node_modules", "azurite", "dist", "src", "table", "main.js");

    public static string BlobScript => Path.Combine(Package, "node_modules", "azurite", "dist", "src", "blob", "main.js");

    public static string BlobConnectionString(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    /// <summary>Starts Azurite's blob service on <paramref name="port"/>, in memory, and waits until it listens.</summary>
    public static async Task<ChildProcess> StartBlobAsync(int port, string workingDirectory)
    {
        var process = ChildProcess.Start("azurite-blob", "node",
            [BlobScript, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--inMemoryPersistence", "--disableTelemetry", "--silent"],
            new Dictionary<string, string?>(), workingDirectory);
        await process.WaitListeningAsync(port, TimeSpan.FromSeconds(30));
        return process;
    }

    public static string ConnectionString(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    /// <summary>Starts it on <paramref name="port"/> with the given persistence arguments and waits until it listens.</summary>
    public static async Task<ChildProcess> StartAsync(int port, IEnumerable<string> persistence, string workingDirectory)
    {
        var process = ChildProcess.Start("azurite", "node",
            [Script, "--tableHost", "127.0.0.1", "--tablePort", port.ToString(), .. persistence, "--disableTelemetry", "--silent"],
            new Dictionary<string, string?>(), workingDirectory);
        await process.WaitListeningAsync(port, TimeSpan.FromSeconds(30));
        return process;
    }
}
