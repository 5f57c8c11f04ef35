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
    private readonly string _location = Directory.CreateTempSubdirectory("azurite-restartable-").FullName;
    private ChildProcess? _process;

    public int Port { get; } = FreePort.Next();

    public string ConnectionString => AzuriteTable.ConnectionString(Port);

    public bool IsRunning => _process is not null;

    public async Task StartAsync()
    {
        if (!File.Exists(AzuriteTable.Script))
            throw new InvalidOperationException("Run 'npm ci' in tests/Azurite first (the shared AzuriteServer fixture does it).");
        _process = await AzuriteTable.StartAsync(Port, ["--location", _location], _location);
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
