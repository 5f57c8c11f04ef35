using BoostedGrains.Silo.Hosting;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Gateway;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Hosting;

/// <summary>Localhost clustering's primary silo: the default follows the silo port, and a wrong one is named in one line.</summary>
public sealed class PrimarySiloTests
{
    [Fact]
    public async Task A_silo_whose_primary_does_not_answer_says_so_in_one_line_that_names_the_setting()
    {
        var capture = new LogCapture();
        var unusedPrimary = FreePort.Next();
        var app = await TestSilo.CreateAsync($"http://127.0.0.1:{FreePort.Next()}", "primary",
            ["--Cluster:PrimarySiloPort", unusedPrimary.ToString()],
            builder => builder.Logging.AddProvider(capture).AddProvider(LogCapture.Suite));
        using var giveUp = new CancellationTokenSource();
        var start = app.StartAsync(giveUp.Token);
        try
        {
            await Eventually.TrueAsync(() => capture.Lines.Any(l => l.Contains("Cluster__PrimarySiloPort", StringComparison.Ordinal)),
                "the silo names Cluster__PrimarySiloPort", PrimarySiloWatch.JoinGrace + TimeSpan.FromSeconds(20));

            var line = Assert.Single(capture.Lines, l => l.Contains("Cluster__PrimarySiloPort", StringComparison.Ordinal));
            Assert.StartsWith("Error", line);
            Assert.Contains($"127.0.0.1:{unusedPrimary}", line);
            Assert.False(start.IsCompleted);
        }
        finally
        {
            giveUp.Cancel();
            await Assert.ThrowsAnyAsync<Exception>(() => start.WaitAsync(TimeSpan.FromSeconds(60)));
            await app.DisposeAsync();
        }
    }
}
