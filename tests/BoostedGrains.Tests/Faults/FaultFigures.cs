using System.Globalization;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// The figures a fault test measured: written to the test output and appended to <c>fault-figures.tsv</c> in the
/// test's output folder (or <c>BOOSTEDGRAINS_FIGURES</c>), from which docs/reliability.md is filled in.
/// </summary>
public static class FaultFigures
{
    private static readonly Lock Gate = new();

    public static string Path { get; } = Environment.GetEnvironmentVariable("BOOSTEDGRAINS_FIGURES")
        ?? System.IO.Path.Combine(AppContext.BaseDirectory, "fault-figures.tsv");

    public static void Record(ITestOutputHelper output, string fault, string measure, object value)
    {
        var text = value switch
        {
            double d => d.ToString("0.###", CultureInfo.InvariantCulture),
            TimeSpan t => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
        output.WriteLine($"{fault} | {measure} | {text}");
        lock (Gate)
            File.AppendAllText(Path, $"{DateTime.UtcNow:O}\t{fault}\t{measure}\t{text}{Environment.NewLine}");
    }
}
