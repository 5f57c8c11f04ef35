namespace BoostedGrains.Silo.Onboarding;

/// <summary>The result of an onboarding run.</summary>
public sealed record OnboardingSummary(
    OnboardingProgress Progress, IReadOnlyList<BadRow> BadRows, IReadOnlyList<BadRow> Failures, bool Interrupted, TimeSpan Elapsed)
{
    /// <summary>The process exit code: 0 all done, 1 bad or failed rows, 130 interrupted.</summary>
    public int ExitCode => Interrupted ? 130 : BadRows.Count > 0 || Failures.Count > 0 ? 1 : 0;

    /// <summary>Writes the summary for an operator.</summary>
    public void WriteTo(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{(Interrupted ? "Interrupted" : "Done")} in {Elapsed.TotalSeconds:F1} s: {Progress.Created} created, {Progress.Existing} already provisioned, " +
                         $"{Progress.Failed} failed, {BadRows.Count} bad rows skipped, {Progress.Total - Progress.Done} not attempted.");
        foreach (var row in BadRows)
            output.WriteLine($"  line {row.Line}: skipped: {row.Reason}");
        foreach (var row in Failures)
            output.WriteLine($"  line {row.Line}: failed: {row.Reason}");
        if (Interrupted || Failures.Count > 0)
            output.WriteLine("Run the same command again to continue: users already provisioned are skipped, never created twice.");
    }
}
