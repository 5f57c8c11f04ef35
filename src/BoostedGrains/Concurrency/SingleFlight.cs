namespace BoostedGrains.Concurrency;

/// <summary>
/// At most one run of some work at a time: late callers get the task already running. Lives on a grain's turn, so it
/// needs no locks; the slot is cleared when the work ends, success or failure, so the next call after a failure retries.
/// </summary>
internal sealed class SingleFlight<T>
{
    private Task<T>? _running;

    /// <summary>True while a run is under way.</summary>
    public bool IsRunning => _running is not null;

    /// <summary>The running task, or a new run of <paramref name="work"/> when none is running.</summary>
    public Task<T> RunAsync(Func<Task<T>> work)
    {
        if (_running is { } running)
            return running;
        var task = RunAndClearAsync(work);
        // A run that finished synchronously has already cleared the slot; storing it would pin a stale result.
        if (!task.IsCompleted)
            _running = task;
        return task;
    }

    private async Task<T> RunAndClearAsync(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        finally
        {
            _running = null;
        }
    }
}
