using BoostedGrains.Benchmarks.Infrastructure;
using BoostedGrains.Benchmarks.Reporting;
using BoostedGrains.Benchmarks.Scenarios;

// Where BoostedGrains stands against a token cache inside each app server. Prints a Markdown table and
// writes it to results/latest.md (or --out PATH). Timings are never asserted anywhere: this program only reports.
var settings = BenchSettings.Parse(args);
var only = args.SkipWhile(a => a != "--rows").Skip(1).FirstOrDefault()?.Split(',').ToHashSet();
bool Runs(string row) => only is null || only.Contains(row);

var report = new Report(settings);
if (Runs("1") || Runs("2"))
    await report.TimeAsync("rows 1–2", () => WarmFetchScenario.RunAsync(settings, report, grainRows: Runs("1"), httpRow: Runs("2"),
        // About 30 s more per row: quick mode measures them only when rows are named.
        floorBaselines: settings.Mode == "full" || only is not null));
if (Runs("3") || Runs("5"))
    await report.TimeAsync(Runs("3") && Runs("5") ? "rows 3 and 5" : Runs("3") ? "row 3" : "row 5",
        () => ColdStormScenario.RunAsync(settings, report, storms: Runs("3"), memory: Runs("5")));
if (Runs("4"))
    await report.TimeAsync("row 4", () => SteadyStateScenario.RunAsync(settings, report));
// Rows 6 and 7 count exchanges and failed calls, not time, and row 7's silos are processes of their own: quick mode runs
// them side by side to fit 3 minutes.
Task Row6() => report.TimeAsync("row 6", () => IdleGapsScenario.RunAsync(settings, report));
Task Row7() => report.TimeAsync("row 7", () => RollingRestartScenario.RunAsync(settings, report));
if (settings.Mode == "quick" && Runs("6") && Runs("7"))
    await report.TimeAsync("rows 6 and 7 side by side", () => Task.WhenAll(Row6(), Row7()));
else
{
    if (Runs("6"))
        await Row6();
    if (Runs("7"))
        await Row7();
}
// Row 8 takes about a minute, more than a whole quick run has left: quick mode runs it only when asked for by --rows.
if (Runs("8") && (only is not null || settings.Mode == "full"))
    await report.TimeAsync("row 8", () => ScaleScenario.RunAsync(settings, report));
else if (Runs("8"))
    report.Note("Row 8 runs in `--full`, or in `--quick` when named: `--quick --rows 8`.");

// Row 9 (the rate-limit shapes) runs only when named: `--rows 9` (all shapes, 5 runs each, about 16 minutes), or
// `--rows 9 --shapes 1,4 --runs 2` for fewer.
if (only?.Contains("9") == true)
{
    string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
    await report.TimeAsync("row 9", () => RateLimitShapesScenario.RunAsync(settings, report,
        runs: int.Parse(Arg("--runs") ?? "5", System.Globalization.CultureInfo.InvariantCulture),
        users: int.Parse(Arg("--users") ?? "400", System.Globalization.CultureInfo.InvariantCulture),
        only: Arg("--shapes")?.Split(',').ToHashSet()));
}

var markdown = report.ToMarkdown();
Console.WriteLine();
Console.WriteLine(markdown);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.OutputPath))!);
await File.WriteAllTextAsync(settings.OutputPath, markdown);
Console.WriteLine($"Written to {Path.GetFullPath(settings.OutputPath)}");
