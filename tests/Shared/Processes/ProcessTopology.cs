using BoostedGrains.Emulator;

namespace BoostedGrains.Testing;

/// <summary>
/// The docker-compose topology as native processes: the emulator process and N silo processes on loopback, all in
/// Azure Table storage (the shared Azurite), plus an external Orleans client. Disposing kills whatever still runs.
/// </summary>
internal sealed class ProcessTopology : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Dictionary<int, SiloProcess> _silos = [];
    private ChildProcess? _emulator;

    private ProcessTopology(TopologySettings settings) => Settings = settings;

    public TopologySettings Settings { get; }

    public ClusterClientHost Client { get; private set; } = null!;

    public SiloProcess this[int index] => _silos[index];

    /// <summary>Starts the emulator and silos 0..silos-1 (in parallel, on the product's membership defaults) and connects the client.</summary>
    public static async Task<ProcessTopology> StartAsync(AzuriteServer azurite, int silos, int spareSilos = 0)
    {
        var topology = new ProcessTopology(new TopologySettings(azurite.ConnectionString, silos + spareSilos));
        try
        {
            topology._emulator = ChildProcess.Start("emulator", "dotnet", [RepoPaths.EmulatorDll], topology.Settings.Emulator());
            await topology._emulator.WaitListeningAsync(topology.Settings.EmulatorPort, StartTimeout);
            await Task.WhenAll(Enumerable.Range(0, silos).Select(topology.StartSiloAsync));
            topology.Client = await ClusterClientHost.StartAsync(topology.Settings);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    public Task<EmulatorStats> GetStatsAsync() => EmulatorStatsClient.GetAsync(Settings.EmulatorUrl);

    /// <summary>Starts silo <paramref name="index"/> on its fixed ports and waits until it is ready (/healthz/ready).</summary>
    public async Task StartSiloAsync(int index)
    {
        var silo = SiloProcess.Start($"silo{index}", Settings.Silos[index], Settings.Silo(index));
        _silos[index] = silo;
        await silo.WaitReadyAsync(StartTimeout);
    }

    /// <summary>Stops silo <paramref name="index"/> gracefully (SIGTERM), as a deployment does, and starts it again on its ports.</summary>
    public async Task RestartSiloAsync(int index)
    {
        var old = _silos[index];
        old.Process.Terminate();
        if (!await old.Process.WaitForExitAsync(StartTimeout))
            throw new TimeoutException($"{old.Process.Name} did not exit after SIGTERM.\n{old.Process.Output}");
        await old.DisposeAsync();
        await StartSiloAsync(index);
    }

    /// <summary>Switches the emulator's faults (<c>POST /_emulator/faults</c>).</summary>
    public Task SetFaultsAsync(EmulatorFaults faults) => EmulatorStatsClient.SetFaultsAsync(Settings.EmulatorUrl, faults);

    public string Output => string.Join('\n', _silos.Values.Select(s => s.Process.Output).Append(_emulator?.Output));

    public async ValueTask DisposeAsync()
    {
        if (Client is not null)
            await Client.DisposeAsync();
        await Task.WhenAll(_silos.Values.Select(s => s.DisposeAsync().AsTask()));
        if (_emulator is not null)
            await _emulator.DisposeAsync();
    }
}
