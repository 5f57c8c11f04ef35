namespace BoostedGrains.Testing;

/// <summary>A real <c>BoostedGrains.Silo</c> process (<c>dotnet BoostedGrains.Silo.dll</c>) configured by environment.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private SiloProcess(ChildProcess process, TopologySettings.SiloPorts ports)
    {
        Process = process;
        Ports = ports;
    }

    public ChildProcess Process { get; }

    public TopologySettings.SiloPorts Ports { get; }

    public static SiloProcess Start(string name, TopologySettings.SiloPorts ports, IReadOnlyDictionary<string, string?> environment) =>
        new(ChildProcess.Start(name, "dotnet", [RepoPaths.SiloDll], environment), ports);

    /// <summary>Polls <c>/healthz/ready</c> until the silo has joined and loaded the key ring; fails at once if it exits.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var url = new Uri($"http://127.0.0.1:{Ports.Http}/healthz/ready");
        while (true)
        {
            if (Process.HasExited)
                throw new InvalidOperationException($"{Process.Name} exited with code {Process.ExitCode} before it was ready.\n{Process.Output}");
            try
            {
                using var response = await Http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // busy starting
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Process.Name} was not ready within {timeout}.\n{Process.Output}");
            await Task.Delay(200);
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
