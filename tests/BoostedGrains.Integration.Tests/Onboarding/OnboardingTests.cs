using System.Text.RegularExpressions;
using BoostedGrains.Integration.Tests.Infrastructure;
using BoostedGrains.Silo.Onboarding;

namespace BoostedGrains.Integration.Tests.Onboarding;

public sealed class OnboardingTests : IAsyncLifetime
{
    private const int ValidUsers = 30;
    private SiloHarness _silo = null!;
    private string _file = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloHarness.StartAsync();
        var lines = new List<string> { "user_id,email,name,workspace" };
        lines.AddRange(Enumerable.Range(1, ValidUsers).Select(i => $"onboard-{i:D2},user{i}@example.com,\"Doe, User {i}\","));
        // Bad rows at known line numbers (the header is line 1).
        lines.Insert(3, ",nobody@example.com,No ID,");          // line 4
        lines.Insert(7, "onboard-bad-email,not-an-email,Bad,"); // line 8
        lines.Insert(12, "onboard-x,a@example.com,Too,many,fields"); // line 13
        lines.Insert(20, "onboard-01,again@example.com,Repeat,"); // line 21
        lines.Insert(25, "\"onboard-open,a@example.com,Open,");  // line 26
        _file = Path.GetTempFileName();
        await File.WriteAllLinesAsync(_file, lines);
    }

    public async Task DisposeAsync()
    {
        File.Delete(_file);
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task An_interrupted_run_and_its_rerun_provision_every_valid_row_once_and_report_bad_rows_by_line()
    {
        using var reader = File.OpenText(_file);
        var (rows, bad) = UserCsv.Read(reader);
        using var interrupt = new CancellationTokenSource();
        var progress = new StopAfter(10, interrupt);

        var first = await new OnboardingRunner(_silo.Grains, concurrency: 2).RunAsync(rows, bad, progress, TimeProvider.System, interrupt.Token);
        var output = new StringWriter();
        var exitCode = await ProvisionCommand.RunAsync(["--file", _file, "--concurrency", "4", .. _silo.ClientArgs], output, interactive: false, CancellationToken.None);

        Assert.Equal(ValidUsers, rows.Count);
        Assert.Equal([4, 8, 13, 21, 26], bad.Select(b => b.Line));
        Assert.True(first.Interrupted);
        Assert.Equal(130, first.ExitCode);
        Assert.InRange(first.Progress.Created, 10, ValidUsers - 1);
        Assert.Equal(1, exitCode);
        var text = output.ToString();
        var summary = Regex.Match(text, @"Done in [0-9.]+ s: (\d+) created, (\d+) already provisioned, 0 failed, 5 bad rows skipped, 0 not attempted\.");
        Assert.True(summary.Success, text);
        var (created, existing) = (int.Parse(summary.Groups[1].Value), int.Parse(summary.Groups[2].Value));
        Assert.Equal(ValidUsers, created + existing);
        Assert.InRange(existing, first.Progress.Created, ValidUsers);
        foreach (var line in new[] { 4, 8, 13, 21, 26 })
            Assert.Contains($"  line {line}: skipped: ", text);
        Assert.Contains("repeats line 2", text);
        var stats = _silo.Emulator.GetStats();
        Assert.Equal(ValidUsers, stats.Creates.User);
        Assert.Equal(0, stats.Conflicts);
        Assert.DoesNotContain(stats.Exchanges, e => e.Key != Silo.Hosting.EmbeddedBoosted.ClientId);
    }

    /// <summary>Interrupts a run, as Ctrl+C would, once a given number of rows are done.</summary>
    private sealed class StopAfter(int rows, CancellationTokenSource interrupt) : IProgress<OnboardingProgress>
    {
        public void Report(OnboardingProgress value)
        {
            if (value.Done >= rows)
                interrupt.Cancel();
        }
    }
}
