using Orleans.Storage;

namespace BoostedGrains.Concurrency;

/// <summary>
/// A reentrant grain's persistent state with one write at a time (docs/design.md rule 5): each update waits for the write
/// before it, and an ETag conflict means another activation won, so the stored state is re-read, never overwritten.
/// A change takes effect only once it is stored: when a write fails, memory goes back to what storage holds, so a
/// caller's retry does the work again instead of finding it done.
/// </summary>
internal sealed class SerializedState<T>(IPersistentState<T> state)
{
    private Task _lastWrite = Task.CompletedTask;

    // Counts updates, so that the last one can let go of its task (and the update it holds) once it has ended.
    private int _updates;

    // A write failed and storage could not be read back then: memory may hold a change storage does not.
    private bool _mustReload;

    /// <summary>The state as last read or stored (while <see cref="EnsureStoredAsync"/> is pending after a failure, perhaps ahead of storage).</summary>
    public T Current => state.State;

    /// <summary>
    /// After any write under way, applies <paramref name="update"/> and writes. <paramref name="update"/> returns false
    /// when nothing needs changing (for example another activation already stored the value); then nothing is written.
    /// On an ETag conflict the state is re-read and <paramref name="update"/> is applied again to what is stored.
    /// </summary>
    public Task UpdateAsync(Func<T, bool> update)
    {
        var write = WriteAfterAsync(_lastWrite, update, ++_updates);
        // An ended write is nothing to wait for: an activation keeps no finished write (nor its update) alive.
        _lastWrite = write.IsCompleted ? Task.CompletedTask : write;
        return write;
    }

    /// <summary>Makes <see cref="Current"/> what storage holds, if a failed write may have left it ahead; throws while storage is unreachable.</summary>
    public Task EnsureStoredAsync() => _mustReload ? UpdateAsync(static _ => false) : Task.CompletedTask;

    /// <summary>Reads the stored state, before any update (a grain's activation).</summary>
    public Task ReadAsync() => state.ReadStateAsync();

    /// <summary>After any write under way, reads the stored state again (another activation may have written it).</summary>
    public Task ReloadAsync()
    {
        _mustReload = true;
        return UpdateAsync(static _ => false);
    }

    private async Task WriteAfterAsync(Task previous, Func<T, bool> update, int number)
    {
        try
        {
            await WriteAsync(previous, update);
        }
        finally
        {
            // Runs on the grain's turn: no later update has started when the numbers still match.
            if (number == _updates)
                _lastWrite = Task.CompletedTask;
        }
    }

    private async Task WriteAsync(Task previous, Func<T, bool> update)
    {
        // The previous write's failure belongs to its own caller; this update still gets its own attempt.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        if (_mustReload)
        {
            await state.ReadStateAsync();
            _mustReload = false;
        }
        if (!update(state.State))
            return;
        try
        {
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
        catch
        {
            await RestoreStoredAsync();
            throw;
        }
    }

    private async Task RestoreStoredAsync()
    {
        try
        {
            await state.ReadStateAsync();
        }
        catch
        {
            // Storage is still out of reach: the next update or EnsureStoredAsync reads it first.
            _mustReload = true;
        }
    }
}
