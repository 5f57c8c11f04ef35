using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// With localhost clustering (in-memory state), a silo that joins another one is warned at once that several silos
/// need Azure storage. A silo whose primary silo does not answer waits to join forever while Orleans logs only
/// connection errors: if the silo has not started after <see cref="JoinGrace"/>, this says once, in plain words, which
/// setting points where.
/// </summary>
public sealed partial class PrimarySiloWatch(
    IOptions<SiloClusterOptions> cluster, IHostApplicationLifetime lifetime, ILogger<PrimarySiloWatch> logger)
    : BackgroundService
{
    /// <summary>How long a silo may take to join its primary before the watch looks at the primary's port.</summary>
    public static readonly TimeSpan JoinGrace = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = cluster.Value;
        var primary = settings.EffectivePrimarySiloPort;
        // A silo that is its own primary has nothing to reach.
        if (primary == settings.SiloPort)
            return;
        LogJoiningInMemory(logger, primary);

        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(JoinGrace, stoppingToken);
            return;
        }
        catch (TimeoutException)
        {
            // Not started yet: look at the primary.
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (!await AnswersAsync(primary, stoppingToken))
            LogPrimaryUnreachable(logger, primary, settings.SiloPort);
    }

    private static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    // Why one silo: docs/design.md, hosting modes.
    [LoggerMessage(Level = LogLevel.Warning, Message =
        "This silo joins the silo at 127.0.0.1:{PrimaryPort} with in-memory state, which is meant for one silo: while a silo joins, " +
        "Orleans can briefly activate a grain twice, and the joining silo can then start a key ring of its own that Boosted never fetched " +
        "(invalid_grant). Run several silos on Azure Table storage (Storage__AzureTableConnectionString).")]
    private static partial void LogJoiningInMemory(ILogger logger, int primaryPort);

    [LoggerMessage(Level = LogLevel.Error, Message =
        "This silo cannot join: nothing answers at the primary silo's port 127.0.0.1:{PrimaryPort} (Cluster__PrimarySiloPort). " +
        "Start the primary silo first, or set Cluster__PrimarySiloPort to its Cluster__SiloPort; leave it unset for a single silo, " +
        "which is then its own primary (this silo's port is {SiloPort}).")]
    private static partial void LogPrimaryUnreachable(ILogger logger, int primaryPort, int siloPort);
}
