using Orleans.Storage;

namespace BoostedGrains.Tests.Tokens;

/// <summary>
/// Grain state over a shared "store" whose writes complete when the test says so, and whose next write can lose an
/// ETag race to a value that another activation stored.
/// </summary>
public sealed class ScriptedPersistentState<T>(Func<T> create) : IPersistentState<T>
{
    private readonly Queue<TaskCompletionSource> _pendingWrites = new();

    public T Stored { get; set; } = create();

    public T? Winner { get; set; }

    public int Writes { get; private set; }

    public int Reads { get; private set; }

    public int MaxConcurrentWrites { get; private set; }

    private int _inFlight;

    public T State { get; set; } = create();

    public string? Etag => null;

    public bool RecordExists => true;

    public Task ClearStateAsync() => throw new NotSupportedException();

    public Task ReadStateAsync()
    {
        Reads++;
        State = Stored;
        return Task.CompletedTask;
    }

    public async Task WriteStateAsync()
    {
        Writes++;
        MaxConcurrentWrites = Math.Max(MaxConcurrentWrites, ++_inFlight);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingWrites.Enqueue(gate);
        try
        {
            await gate.Task;
            if (Winner is { } winner)
            {
                Stored = winner;
                Winner = default;
                throw new InconsistentStateException("ETag mismatch", "stored", "current");
            }
            Stored = State;
        }
        finally
        {
            _inFlight--;
        }
    }

    /// <summary>Completes the oldest pending write; false if none is pending.</summary>
    public bool CompleteWrite() => _pendingWrites.TryDequeue(out var gate) && gate.TrySetResult();
}
