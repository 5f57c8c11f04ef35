using BoostedGrains.Emulator;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>
/// In-process silos (the real <c>SiloApp</c>) in Azure Table storage with an in-process emulator as Boosted: for the
/// storage tests, which stop, restart and duplicate silos many times and need no process boundary.
/// </summary>
internal sealed class StorageCluster : IAsyncDisposable
{
    private readonly List<InProcessSilo> _silos = [];

    private StorageCluster(TopologySettings settings, BoostedEmulatorServer emulator)
    {
        Settings = settings;
        Emulator = emulator;
    }

    public TopologySettings Settings { get; }

    public BoostedEmulatorServer Emulator { get; }

    public IReadOnlyList<InProcessSilo> Silos => _silos;

    public IGrainFactory Grains => _silos[0].Grains;

    public static Task<StorageCluster> StartEmulatorAsync(AzuriteServer azurite, int silos) =>
        StartEmulatorAsync(azurite.ConnectionString, silos);

    /// <summary>The same against any table endpoint (the storage-outage test runs an Azurite it can stop).</summary>
    public static async Task<StorageCluster> StartEmulatorAsync(string connectionString, int silos)
    {
        var settings = new TopologySettings(connectionString, silos);
        var options = new EmulatorOptions { Partners = [new EmulatorPartner { ClientId = settings.ClientId, ClientSecret = settings.ClientSecret, JwksUri = settings.JwksUrl }] };
        return new StorageCluster(settings, await BoostedEmulatorServer.StartAsync(options, settings.EmulatorUrl.ToString().TrimEnd('/')));
    }

    /// <summary>Starts every silo of the settings (one after the other: the first one creates the tables and the ring).</summary>
    public async Task StartSilosAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        for (var i = 0; i < Settings.Silos.Count; i++)
            _silos.Add(await InProcessSilo.StartAsync(With(Settings.Silo(i), extra)));
    }

    /// <summary>Takes silos started with other settings under this cluster's care (stopped with it).</summary>
    public void Adopt(params InProcessSilo[] silos) => _silos.AddRange(silos);

    /// <summary>Stops every silo gracefully, as a deployment does.</summary>
    public async Task StopSilosAsync()
    {
        foreach (var silo in Enumerable.Reverse(_silos))
            await silo.DisposeAsync();
        _silos.Clear();
    }

    public static Dictionary<string, string?> With(IReadOnlyDictionary<string, string?> environment, IReadOnlyDictionary<string, string?>? extra)
    {
        var result = new Dictionary<string, string?>(environment);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            result[key] = value;
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await StopSilosAsync();
        await Emulator.DisposeAsync();
    }
}
