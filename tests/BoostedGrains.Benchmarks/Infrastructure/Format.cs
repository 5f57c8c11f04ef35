using System.Globalization;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>How numbers appear in the table: thousands separators, milliseconds with sensible precision.</summary>
public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Rate(double perSecond) => perSecond.ToString(perSecond >= 100 ? "N0" : "N1", Invariant);

    public static string Ms(double ms) => ms.ToString(ms >= 100 ? "N0" : ms >= 10 ? "N1" : "N2", Invariant) + " ms";

    public static string Ratio(double ratio) => double.IsFinite(ratio) ? ratio.ToString(ratio >= 10 ? "N1" : "N2", Invariant) : "n/a";

    /// <summary>
    /// A ratio against a limit the subject cannot physically exceed (its baseline does strictly less work, or is the
    /// machine's ceiling): above 1.0 the baseline was disturbed, so it is a failed measurement, not a result.
    /// </summary>
    public static string Fraction(double ratio) => ratio > 1.0 ? $"FAILED measurement ({Ratio(ratio)} > 1.0)" : Ratio(ratio);

    /// <summary>Min / median / max of per-repetition fractions (see <see cref="Fraction"/>).</summary>
    public static string Fractions(IReadOnlyList<double> ratios)
    {
        var text = Spread(ratios);
        return ratios.Max() > 1.0 ? $"{text} (FAILED measurement: a ratio above 1.0)" : text;
    }

    /// <summary>Min / median / max of per-repetition ratios whose baseline is no ceiling.</summary>
    public static string Spread(IReadOnlyList<double> ratios)
    {
        var sorted = ratios.Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return $"{Ratio(sorted[0])} / {Ratio(median)} / {Ratio(sorted[^1])}";
    }

    public static string Count(double n) => n.ToString("N0", Invariant);

    public static string Bytes(double bytes) => bytes >= 10_240 ? (bytes / 1024).ToString("N1", Invariant) + " KiB" : bytes.ToString("N0", Invariant) + " B";

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("N2", Invariant) + " s";
}
