namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>
/// App-server load: callers ask tokens for users round-robin, each call retried at most once after
/// <see cref="RetryDelay"/>. Counts calls, retries and calls that failed even after their retry.
/// </summary>
internal sealed class LoadRun : CallerLoops
{
    /// <summary>
    /// Long enough for membership (product defaults: about 2 s) to declare a killed silo dead before the retry. These
    /// callers use a bare Orleans client, without the client library's own retry.
    /// </summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly IGrainFactory _grains;
    private long _retries, _pendingRetries, _failed, _lastRetryDoneMs = -1, _lastFirstFailureMs = -1;

    private LoadRun(IGrainFactory grains, string[] users, int callers) : base(users)
    {
        _grains = grains;
        StartCallers(callers);
    }

    public static LoadRun Start(IGrainFactory grains, IEnumerable<string> users, int callers) => new(grains, [.. users], callers);

    /// <summary>Calls whose first attempt failed and whose retry has not ended yet.</summary>
    public long PendingRetries => Interlocked.Read(ref _pendingRetries);

    public async Task<LoadResult> StopAsync()
    {
        await StopCallersAsync();
        return new LoadResult(Calls, Interlocked.Read(ref _retries), Interlocked.Read(ref _failed),
            Interlocked.Read(ref _lastFirstFailureMs), Interlocked.Read(ref _lastRetryDoneMs), [.. Errors.Keys]);
    }

    protected override async Task CallAsync(string user)
    {
        try
        {
            await _grains.GetUserTokenGrain(user).GetAccessTokenAsync();
            Succeeded();
            return;
        }
        catch (Exception first)
        {
            Interlocked.Increment(ref _retries);
            Interlocked.Increment(ref _pendingRetries);
            Interlocked.Exchange(ref _lastFirstFailureMs, Now);
            Errors.TryAdd($"first attempt: {first.GetType().Name}", 0);
        }
        await Task.Delay(RetryDelay);
        try
        {
            await _grains.GetUserTokenGrain(user).GetAccessTokenAsync();
            Succeeded();
            Interlocked.Exchange(ref _lastRetryDoneMs, Now);
        }
        catch (Exception second)
        {
            Interlocked.Increment(ref _failed);
            Errors.TryAdd($"retry: {second.GetType().Name}: {second.Message}", 0);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingRetries);
        }
    }
}
