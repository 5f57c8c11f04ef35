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
    await WarmFetchScenario.RunAsync(settings, report, grainRows: Runs("1"), httpRow: Runs("2"));
if (Runs("3") || Runs("5"))
    await ColdStormScenario.RunAsync(settings, report, storms: Runs("3"), memory: Runs("5"));
if (Runs("4"))
    await SteadyStateScenario.RunAsync(settings, report);
if (Runs("6"))
    await IdleGapsScenario.RunAsync(settings, report);
if (Runs("7"))
    await RollingRestartScenario.RunAsync(settings, report);
// Row 8 takes about a minute, more than a whole quick run has left: quick mode runs it only when asked for by --rows.
if (Runs("8") && (only is not null || settings.Mode == "full"))
    await ScaleScenario.RunAsync(settings, report);
else if (Runs("8"))
    report.Note("Row 8 runs in `--full`, or in `--quick` when named: `--quick --rows 8`.");

var markdown = report.ToMarkdown();
Console.WriteLine();
Console.WriteLine(markdown);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.OutputPath))!);
await File.WriteAllTextAsync(settings.OutputPath, markdown);
Console.WriteLine($"Written to {Path.GetFullPath(settings.OutputPath)}");
