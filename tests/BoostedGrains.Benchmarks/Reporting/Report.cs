using System.Text;
using BoostedGrains.Benchmarks.Infrastructure;

namespace BoostedGrains.Benchmarks.Reporting;

/// <summary>The Markdown table: one line per measurement, next to the baseline measured in the same run.</summary>
public sealed class Report(BenchSettings settings)
{
    private readonly List<string[]> _rows = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _durations = [];
    private readonly string _machine = MachineInfo.Describe();
    private readonly string _load = MachineInfo.LoadAverage();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    public void Row(string row, string what, string boostedGrains, string baseline, string ratio)
    {
        lock (_rows)
            _rows.Add([row, what, boostedGrains, baseline, ratio]);
        Console.WriteLine($"  {row} | {what} | {boostedGrains} | {baseline} | {ratio}");
    }

    public void Note(string note)
    {
        lock (_notes)
            _notes.Add(note);
        Console.WriteLine($"  note: {note}");
    }

    /// <summary>Runs one scenario and keeps its wall-clock duration for the report's header.</summary>
    public async Task TimeAsync(string rows, Func<Task> scenario)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await scenario();
        lock (_durations)
            _durations.Add($"{rows} {clock.Elapsed.TotalSeconds:N0} s");
        Console.WriteLine($"  {rows}: {clock.Elapsed.TotalSeconds:N0} s");
    }

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine($"Mode `--{settings.Mode}`, {_started:yyyy-MM-dd HH:mm} UTC, {(DateTimeOffset.UtcNow - _started).TotalSeconds:N0} s"
            + (_durations.Count > 0 ? $" ({string.Join(", ", _durations)})" : "") + ". ");
        md.AppendLine($"Machine: {_machine}; load average {_load} at start (other builds and tests were running: figures are noisy). ");
        md.AppendLine($"Rows 1–6: the emulator as Boosted with {settings.BoostedLatencyMs} ms latency; everything (emulator, silos, clients, load) runs in one process."
            + (_rows.Any(r => r[0] is "7" or "8") ? " Rows 7–8: silo and emulator processes on Azurite (see their notes)." : ""));
        md.AppendLine();
        md.AppendLine("| row | measurement | BoostedGrains | baseline (same run) | ratio |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var row in _rows)
            md.AppendLine("| " + string.Join(" | ", row) + " |");
        if (_notes.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Notes:");
            md.AppendLine();
            foreach (var note in _notes)
                md.AppendLine($"- {note}");
        }
        return md.ToString();
    }
}
