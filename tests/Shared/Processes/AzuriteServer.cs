namespace BoostedGrains.Testing;

/// <summary>
/// A real Azurite table service (and its blob service) from the pinned npm package (<c>tests/Azurite</c>, installed with <c>npm ci</c> when
/// missing), on a free loopback port with in-memory persistence. One per test run (the hosting tests' collection fixture)
/// or benchmark run: each test uses its own ServiceId.
/// </summary>
public sealed partial class AzuriteServer
{
    private ChildProcess? _process;
    private ChildProcess? _blob;
    private string? _workspace;

    public int Port { get; private set; }

    public string ConnectionString => AzuriteTable.ConnectionString(Port);

    /// <summary>The blob service's port (the static JWKS publication).</summary>
    public int BlobPort { get; private set; }

    public string BlobConnectionString => AzuriteTable.BlobConnectionString(BlobPort);

    public async Task InitializeAsync()
    {
        if (!File.Exists(AzuriteTable.Script))
            await InstallAsync(AzuriteTable.Package);
        Port = FreePort.Next();
        // Its working directory: in-memory persistence writes no data, but nothing of it should land in the repository.
        _workspace = Directory.CreateTempSubdirectory("azurite-").FullName;
        _process = await AzuriteTable.StartAsync(Port, ["--inMemoryPersistence"], _workspace);
        BlobPort = FreePort.Next();
        _blob = await AzuriteTable.StartBlobAsync(BlobPort, _workspace);
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
            await _process.DisposeAsync();
        if (_blob is not null)
            await _blob.DisposeAsync();
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
