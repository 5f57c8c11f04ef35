using System.Diagnostics.CodeAnalysis;
using BoostedGrains.Hosting;
using Orleans.Core;
using Orleans.Storage;

namespace BoostedGrains.Concurrency;

/// <summary>
/// A grain's state read from and written to its grain storage directly, as one object. <c>[PersistentState]</c> does
/// the same through several (the state bridge, its <see cref="GrainState{T}"/>, lifecycle and migration registrations):
/// hundreds of bytes per activation, which a grain that a silo holds once per active user cannot afford
/// (docs/benchmarks.md, row 5). The owner reads it in <c>OnActivateAsync</c>, before any call.
/// The state is stored under <see cref="GrainStorage.StorageId"/>, and with a binding it is sealed to the grain's ID
/// on every write and checked on every read: state that fails the check never replaces what the grain holds.
/// </summary>
internal sealed class GrainStorageState<T>(string name, IGrainContext grain, IGrainStorage storage, IStateBinding<T>? binding = null)
    : IPersistentState<T>, IGrainState<T>
    where T : class, new()
{
    public T State { get; set; } = new();

    // A provider that finds no record may set no state: the grain always has one to work on.
    [AllowNull]
    T IGrainState<T>.State
    {
        get => State;
        set => State = value ?? new T();
    }

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }

    /// <summary>True when the last read found a record written without a binding (by an earlier version).</summary>
    public bool ReadUnbound { get; private set; }

    string? IStorage.Etag => ETag;

    private string Owner => grain.GrainId.Key.ToString()!;

    public async Task ReadStateAsync()
    {
        if (binding is null)
        {
            await Guarded(() => storage.ReadStateAsync(name, GrainStorage.StorageId(grain.GrainId), this), "read");
            return;
        }
        var read = new Read();
        await Guarded(() => storage.ReadStateAsync(name, GrainStorage.StorageId(grain.GrainId), read), "read");
        // A refused read leaves the grain with the state it had; only the ETag is taken, so that an operator's repair
        // (a re-provisioning) can overwrite the refused record.
        (ETag, RecordExists) = (read.ETag, read.RecordExists);
        var checkedState = binding.Check(read.State, Owner);
        (State, ReadUnbound) = (checkedState.State, checkedState.Unbound);
    }

    public Task WriteStateAsync()
    {
        binding?.Seal(State, Owner);
        return Guarded(() => storage.WriteStateAsync(name, GrainStorage.StorageId(grain.GrainId), this), "write");
    }

    public async Task ClearStateAsync()
    {
        await Guarded(() => storage.ClearStateAsync(name, GrainStorage.StorageId(grain.GrainId), this), "clear");
        State = new T();
    }

    // As Orleans' own state bridge does: a provider's failure reaches callers as an OrleansException (the HTTP APIs
    // answer it 503), and an ETag conflict (InconsistentStateException, an OrleansException) stays what it is.
    private async Task Guarded(Func<Task> operation, string what)
    {
        try
        {
            await operation();
        }
        catch (Exception e) when (e is not OrleansException)
        {
            throw new OrleansException($"The grain storage failed to {what} the {name} state of grain {grain.GrainId} ({e.GetType().Name}).", e);
        }
    }

    // What the storage reads into before the binding has been checked.
    private sealed class Read : IGrainState<T>
    {
        private T _state = new();

        [AllowNull]
        public T State
        {
            get => _state;
            set => _state = value ?? new T();
        }

        public string? ETag { get; set; }

        public bool RecordExists { get; set; }
    }
}
