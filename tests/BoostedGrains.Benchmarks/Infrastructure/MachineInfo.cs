using System.Runtime.InteropServices;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>The machine a table was measured on, for the README.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        var cpu = ReadLine("/proc/cpuinfo", "model name")?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{cpu}, {Environment.ProcessorCount} cores, {memory:N0} GiB RAM, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }

    /// <summary>The 1-minute load average: how busy the machine was with other work when the run started.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    /// <summary>Busy and total jiffies of all cores so far (<c>/proc/stat</c>); zeros where there is none.</summary>
    public static (long Busy, long Total) CpuTicks()
    {
        var line = ReadLine("/proc/stat", "cpu ");
        if (line is null)
            return (0, 0);
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = fields[3] + fields[4]; // idle + iowait
        var total = fields.Take(8).Sum(); // user .. steal; guest time is already counted in user
        return (total - idle, total);
    }

    private static string? ReadLine(string path, string prefix) =>
        File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) : null;
}
