using BoostedGrains.Testing;
using BoostedGrains.Hosting.Tests.Infrastructure;

namespace BoostedGrains.Hosting.Tests.Faults;

/// <summary>
/// An Azurite table service that persists to a temporary folder and can be stopped (SIGTERM, so it flushes) and started
/// again on the same port with its data: a storage outage that is not also a data loss. The suite's shared
/// <see cref="AzuriteServer"/> keeps everything in memory and cannot do that.
/// </summary>
internal sealed class RestartableAzurite : IAsyncDisposable
{
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string _location = Directory.CreateTempSubdirectory("azurite-restartable-").FullName;
    private ChildProcess? _process;

    public int Port { get; } = FreePort.Next();

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public async Task StartAsync()
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "Azurite", "node_modules", "azurite", "dist", "src", "table", "main.js");
        if (!File.Exists(script))
            throw new InvalidOperationException("Run 'npm ci' in tests/Azurite first (the shared AzuriteServer fixture does it).");
        _process = ChildProcess.Start("azurite", "node",
            [script, "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(), "--location", _location, "--disableTelemetry", "--silent"],
            new Dictionary<string, string?>(), _location);
        await _process.WaitListeningAsync(Port, TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops it gracefully; its data stays on disk. Azurite saves its database on SIGINT only (SIGTERM drops it).</summary>
    public async Task StopAsync()
    {
        var process = _process ?? throw new InvalidOperationException("Azurite is not running.");
        System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString()])!.WaitForExit();
        if (!await process.WaitForExitAsync(TimeSpan.FromSeconds(15)))
            process.Kill();
        await process.DisposeAsync();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
            await _process.DisposeAsync();
        Directory.Delete(_location, recursive: true);
    }
}
