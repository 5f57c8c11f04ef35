namespace BoostedGrains.Silo.Health;

/// <summary>
/// <c>dotnet BoostedGrains.Silo.dll probe http://127.0.0.1:8080/healthz/ready</c>: exits 0 when the URL answers 2xx
/// within 5 s, else 1. Container health checks use it, so the runtime image needs no curl (nor a shell).
/// </summary>
public static class HealthProbe
{
    /// <summary>The command's name on the Silo's command line.</summary>
    public const string Name = "probe";

    /// <summary>Probes the one URL in <paramref name="args"/> (the arguments after the command's name); returns the exit code (2 for usage errors).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (args is not [var url] || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            await output.WriteLineAsync("usage: probe http://127.0.0.1:8080/healthz/ready");
            return 2;
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(uri);
            await output.WriteLineAsync($"{uri.AbsolutePath}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"{uri.AbsolutePath}: no answer ({e.GetType().Name}: {e.Message})");
            return 1;
        }
    }
}
