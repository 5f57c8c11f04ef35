using System.Net.Http.Json;
using BoostedGrains.Emulator;

namespace BoostedGrains.Testing;

/// <summary>Reads <c>GET /_emulator/stats</c> and sets <c>POST /_emulator/faults</c> over HTTP, as an operator would on the emulator process.</summary>
internal static class EmulatorStatsClient
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<EmulatorStats> GetAsync(Uri emulator) =>
        await Http.GetFromJsonAsync<EmulatorStats>(new Uri(emulator, "_emulator/stats"))
        ?? throw new InvalidOperationException("The emulator answered no stats.");

    public static async Task SetFaultsAsync(Uri emulator, EmulatorFaults faults)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(emulator, "_emulator/faults"), faults);
        response.EnsureSuccessStatusCode();
    }
}
