using Orleans.Storage;

namespace BoostedGrains.Tokens;

/// <summary>
/// A reentrant grain's persistent state with one write at a time (design rule 5): each update waits for the write
/// before it, and an ETag conflict means another activation won, so the stored state is re-read, never overwritten.
/// </summary>
internal sealed class SerializedState<T>(IPersistentState<T> state)
{
    private Task _lastWrite = Task.CompletedTask;

    /// <summary>The state as last read or updated.</summary>
    public T Current => state.State;

    /// <summary>
    /// After any write under way, applies <paramref name="update"/> and writes. <paramref name="update"/> returns false
    /// when nothing needs changing (for example another activation already stored the value); then nothing is written.
    /// On an ETag conflict the state is re-read and <paramref name="update"/> is applied again to what is stored.
    /// </summary>
    public Task UpdateAsync(Func<T, bool> update)
    {
        var write = WriteAfterAsync(_lastWrite, update);
        _lastWrite = write;
        return write;
    }

    /// <summary>After any write under way, reads the stored state again (another activation may have written it).</summary>
    public Task ReloadAsync()
    {
        var read = ReadAfterAsync(_lastWrite);
        _lastWrite = read;
        return read;
    }

    private async Task ReadAfterAsync(Task previous)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        await state.ReadStateAsync();
    }

    private async Task WriteAfterAsync(Task previous, Func<T, bool> update)
    {
        // The previous write's failure belongs to its own caller; this update still gets its own attempt.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        if (!update(state.State))
            return;
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            await state.ReadStateAsync();
            if (update(state.State))
                await state.WriteStateAsync();
        }
    }
}
