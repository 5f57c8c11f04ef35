using System.Globalization;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>How numbers appear in the table: thousands separators, milliseconds with sensible precision.</summary>
public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Rate(double perSecond) => perSecond.ToString(perSecond >= 100 ? "N0" : "N1", Invariant);

    public static string Ms(double ms) => ms.ToString(ms >= 100 ? "N0" : ms >= 10 ? "N1" : "N2", Invariant) + " ms";

    public static string Ratio(double ratio) => double.IsFinite(ratio) ? ratio.ToString(ratio >= 10 ? "N1" : "N2", Invariant) : "n/a";

    public static string Count(double n) => n.ToString("N0", Invariant);

    public static string Bytes(double bytes) => bytes >= 10_240 ? (bytes / 1024).ToString("N1", Invariant) + " KiB" : bytes.ToString("N0", Invariant) + " B";

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("N2", Invariant) + " s";
}
