using BoostedGrains.Testing;
namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>
/// A real Azurite table service from the pinned npm package (<c>tests/Azurite</c>, installed with <c>npm ci</c> when
/// missing), on a free loopback port with in-memory persistence. One per test run: each test uses its own ServiceId.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    // Azurite's well-known development account (public, documented by Microsoft); not a secret.
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private ChildProcess? _process;
    private string? _workspace;

    public int Port { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public async Task InitializeAsync()
    {
        var package = Path.Combine(RepoPaths.Root, "tests", "Azurite");
        var script = Path.Combine(package, "node_modules", "azurite", "dist", "src", "table", "main.js");
        if (!File.Exists(script))
            await InstallAsync(package);
        Port = FreePort.Next();
        // Its working directory: in-memory persistence writes no data, but nothing of it should land in the repository.
        _workspace = Directory.CreateTempSubdirectory("azurite-").FullName;
        _process = ChildProcess.Start("azurite", "node",
            [script, "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(), "--inMemoryPersistence", "--disableTelemetry", "--silent"],
            new Dictionary<string, string?>(), _workspace);
        await _process.WaitListeningAsync(Port, TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
            await _process.DisposeAsync();
        if (_workspace is not null)
            Directory.Delete(_workspace, recursive: true);
    }

    private static async Task InstallAsync(string package)
    {
        await using var npm = ChildProcess.Start("npm ci", "npm", ["ci", "--no-audit", "--no-fund"], new Dictionary<string, string?>(), package);
        if (!await npm.WaitForExitAsync(TimeSpan.FromMinutes(3)) || npm.ExitCode != 0)
            throw new InvalidOperationException($"npm ci in tests/Azurite failed: Node.js 20+ with npm is required for the storage tests.\n{npm.Output}");
    }
}
