using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Keys;

/// <summary>Keeps <see cref="SigningKeyCache"/> current: at start, every refresh interval, and just as a transition is due.</summary>
internal sealed partial class SigningKeyRefreshService(
    SigningKeyCache cache,
    IOptions<KeyRingOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<SigningKeyRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grain calls fail until the silo has joined: start once every hosted service, the silo included, has started.
        if (!await HostStarted.WaitAsync(lifetime, stoppingToken))
            return;
        var interval = options.Value.RefreshInterval;
        // Never spin: a transition the grain has not acted on yet is re-read after this pause.
        var floor = interval < TimeSpan.FromSeconds(1) ? interval : TimeSpan.FromSeconds(1);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                await cache.RefreshAsync(stoppingToken);
                failures = 0;
                delay = interval;
                if (cache.NextTransitionAt is { } next && next - time.GetUtcNow() < delay)
                {
                    delay = next - time.GetUtcNow() < floor ? floor : next - time.GetUtcNow();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Until the silo has started, grain calls fail: retry fast at first, then settle at the interval.
                failures++;
                var backoff = TimeSpan.FromMilliseconds(250 * Math.Pow(2, Math.Min(failures, 10)));
                delay = backoff < interval ? backoff : interval;
                LogRefreshFailed(logger, ex, failures, cache.IsLoaded ? "previous" : "empty");
            }
            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the signing keys (attempt {Attempt}); keeping the {State} copy")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, int attempt, string state);
}
