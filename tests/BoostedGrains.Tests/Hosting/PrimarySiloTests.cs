using BoostedGrains.Silo.Hosting;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Gateway;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Hosting;

/// <summary>
/// Localhost clustering's primary silo: the default follows the silo port, a wrong one is named in one line, and a
/// silo that joins another with in-memory state is warned that several silos need Azure storage.
/// </summary>
public sealed class PrimarySiloTests
{
    private const string InMemoryJoin = "with in-memory state, which is meant for one silo";

    [Fact]
    public Task A_silo_that_joins_another_with_in_memory_state_is_warned_once_at_start() =>
        // Nothing answers at the primary's port: the start waits to join, and the warning comes before the join.
        WhileJoiningAnUnansweredPrimaryAsync(async (capture, primary, _) =>
        {
            await Eventually.TrueAsync(() => capture.Lines.Any(l => l.Contains(InMemoryJoin, StringComparison.Ordinal)),
                "the joining silo warns about in-memory state", TimeSpan.FromSeconds(30));

            var line = Assert.Single(capture.Lines, l => l.Contains(InMemoryJoin, StringComparison.Ordinal));
            Assert.StartsWith("Warning", line);
            Assert.Contains($"127.0.0.1:{primary}", line);
            Assert.Contains("Storage__AzureTableConnectionString", line);
        });

    [Fact]
    public async Task A_silo_that_is_its_own_primary_starts_without_the_in_memory_warning()
    {
        var capture = new LogCapture();
        await using var app = await TestSilo.CreateAsync($"http://127.0.0.1:{FreePort.Next()}", "single", [],
            builder => builder.Logging.AddProvider(capture).AddProvider(LogCapture.Suite));

        await app.StartAsync();

        Assert.DoesNotContain(capture.Lines, l => l.Contains(InMemoryJoin, StringComparison.Ordinal));
        await app.StopAsync();
    }

    [Fact]
    public Task A_silo_whose_primary_does_not_answer_says_so_in_one_line_that_names_the_setting() =>
        WhileJoiningAnUnansweredPrimaryAsync(async (capture, unusedPrimary, start) =>
        {
            await Eventually.TrueAsync(() => capture.Lines.Any(l => l.Contains("Cluster__PrimarySiloPort", StringComparison.Ordinal)),
                "the silo names Cluster__PrimarySiloPort", PrimarySiloWatch.JoinGrace + TimeSpan.FromSeconds(20));

            var line = Assert.Single(capture.Lines, l => l.Contains("Cluster__PrimarySiloPort", StringComparison.Ordinal));
            Assert.StartsWith("Error", line);
            Assert.Contains($"127.0.0.1:{unusedPrimary}", line);
            Assert.False(start.IsCompleted);
        });

    // A silo whose primary port nobody listens on, starting (it waits to join) while the assertions run; then given up.
    private static async Task WhileJoiningAnUnansweredPrimaryAsync(Func<LogCapture, int, Task, Task> assertions)
    {
        var capture = new LogCapture();
        var unusedPrimary = FreePort.Next();
        var app = await TestSilo.CreateAsync($"http://127.0.0.1:{FreePort.Next()}", "joining",
            ["--Cluster:PrimarySiloPort", unusedPrimary.ToString()],
            builder => builder.Logging.AddProvider(capture).AddProvider(LogCapture.Suite));
        using var giveUp = new CancellationTokenSource();
        var start = app.StartAsync(giveUp.Token);
        try
        {
            await assertions(capture, unusedPrimary, start);
        }
        finally
        {
            giveUp.Cancel();
            await Assert.ThrowsAnyAsync<Exception>(() => start.WaitAsync(TimeSpan.FromSeconds(60)));
            await app.DisposeAsync();
        }
    }
}
