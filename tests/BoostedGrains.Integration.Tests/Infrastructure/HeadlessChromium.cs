using System.Diagnostics;

namespace BoostedGrains.Integration.Tests.Infrastructure;

/// <summary>Debian's <c>chromium</c> in headless mode, installed with apt-get the first time a test needs it.</summary>
internal static class HeadlessChromium
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static string? _path;

    /// <summary>The page's DOM after its scripts ran, and what the browser wrote to stderr (load errors).</summary>
    public static async Task<(string Dom, string Errors)> DumpDomAsync(Uri url)
    {
        var chromium = await EnsureInstalledAsync();
        var profile = Directory.CreateTempSubdirectory("chromium-");
        try
        {
            // Root needs --no-sandbox; the virtual time budget lets the page's scripts fetch and render their data.
            var (dom, errors, _) = await RunAsync(chromium,
                ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile.FullName}",
                 "--virtual-time-budget=8000", "--dump-dom", url.ToString()], TimeSpan.FromSeconds(90));
            // This machine has no D-Bus: drop those lines, keep the page's own errors.
            return (dom, string.Join('\n', errors.Split('\n').Where(line => !line.Contains("dbus", StringComparison.Ordinal))));
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private static async Task<string> EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (_path is not null)
                return _path;
            if (Find() is not { } found)
            {
                var (_, errors, code) = await RunAsync("/bin/sh",
                    ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"], TimeSpan.FromMinutes(8));
                found = Find() ?? throw new InvalidOperationException($"Could not install Debian's chromium (apt-get exit code {code}): {errors}");
            }
            return _path = found;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static string? Find() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    private static async Task<(string Output, string Errors, int ExitCode)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {timeout}.");
        }
        return (await output, await errors, process.ExitCode);
    }
}
