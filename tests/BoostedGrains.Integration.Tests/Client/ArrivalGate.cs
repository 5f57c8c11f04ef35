namespace BoostedGrains.Integration.Tests.Client;

/// <summary>
/// Holds the first N requests that reach it until all N have arrived, so that N concurrent requests all carry the same
/// (stale) token to Boosted; later requests, the retries among them, pass at once. Disarmed, it passes everything.
/// </summary>
public sealed class ArrivalGate
{
    private TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected;
    private int _arrived;

    public void Arm(int count)
    {
        _allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _arrived = 0;
        _expected = count;
    }

    public Task PassAsync()
    {
        var arrival = Interlocked.Increment(ref _arrived);
        if (arrival > _expected)
            return Task.CompletedTask;
        if (arrival == _expected)
            _allArrived.SetResult();
        return _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The gate as the innermost handler of an HttpClient.</summary>
    public sealed class Handler(ArrivalGate gate) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await gate.PassAsync();
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
