using BoostedGrains.Client;

namespace BoostedGrains.Silo.Onboarding;

/// <summary>
/// <c>dotnet run --project Silo -- provision --file users.csv [--concurrency 8]</c>: connects to the running cluster as a
/// client (the Silo's <c>Cluster__*</c> and <c>Storage__*</c> settings) and provisions every user of the file.
/// </summary>
public static class ProvisionCommand
{
    /// <summary>The command's name on the Silo's command line.</summary>
    public const string Name = "provision";

    private const string Usage = "usage: provision --file users.csv [--concurrency N] (header: user_id,email,name,workspace)";

    /// <summary>Runs the command with the arguments after its name; returns the exit code (see <see cref="OnboardingSummary.ExitCode"/>, 2 for usage errors).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, bool interactive, CancellationToken cancellationToken)
    {
        string? file = null;
        var concurrency = 8;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--file" && i + 1 < args.Length)
                file = args[++i];
            else if (args[i] == "--concurrency" && i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n is > 0 and <= 256)
                concurrency = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            else
                rest.Add(args[i]);
        }
        if (file is null)
            return Fail(output, $"--file is required; {Usage}");
        if (!File.Exists(file))
            return Fail(output, $"{file}: no such file.");

        IReadOnlyList<OnboardingRow> rows;
        IReadOnlyList<BadRow> bad;
        try
        {
            using var reader = File.OpenText(file);
            (rows, bad) = UserCsv.Read(reader);
        }
        catch (FormatException e)
        {
            return Fail(output, $"{file}: {e.Message}");
        }

        // Whatever is left (--Cluster:GatewayPort=..., --Storage:...) is configuration, as for the silo itself.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = rest.ToArray(), ContentRootPath = AppContext.BaseDirectory });
        // The progress bar is the output: host and Orleans chatter would break it up (categories win over appsettings' Default).
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("Orleans", LogLevel.Warning);
        builder.AddBoostedTokens();
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            output.WriteLine($"Provisioning {rows.Count} users from {file} ({bad.Count} bad rows skipped), {concurrency} at a time. Ctrl+C stops; rerun to continue.");
            var runner = new OnboardingRunner(host.Services.GetRequiredService<IGrainFactory>(), concurrency);
            var summary = await runner.RunAsync(rows, bad, new ProgressBar(output, interactive), TimeProvider.System, cancellationToken);
            summary.WriteTo(output);
            return summary.ExitCode;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static int Fail(TextWriter output, string message)
    {
        output.WriteLine(message);
        return 2;
    }
}
