using Microsoft.Extensions.Hosting;

namespace BoostedGrains.Keys;

/// <summary>Waits for the host to have started: grain calls work once the silo, a hosted service too, has started.</summary>
internal static class HostStarted
{
    /// <summary>True once started; false when the host stops first.</summary>
    public static async Task<bool> WaitAsync(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled());
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
