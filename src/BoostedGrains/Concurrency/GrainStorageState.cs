using System.Diagnostics.CodeAnalysis;
using Orleans.Core;
using Orleans.Storage;

namespace BoostedGrains.Concurrency;

/// <summary>
/// A grain's state read from and written to its grain storage directly, as one object. <c>[PersistentState]</c> does
/// the same through several (the state bridge, its <see cref="GrainState{T}"/>, lifecycle and migration registrations):
/// hundreds of bytes per activation, which a grain that a silo holds once per active user cannot afford
/// (docs/benchmarks.md, row 5). The owner reads it in <c>OnActivateAsync</c>, before any call.
/// </summary>
internal sealed class GrainStorageState<T>(string name, IGrainContext grain, IGrainStorage storage) : IPersistentState<T>, IGrainState<T>
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

    string? IStorage.Etag => ETag;

    public Task ReadStateAsync() => storage.ReadStateAsync(name, grain.GrainId, this);

    public Task WriteStateAsync() => storage.WriteStateAsync(name, grain.GrainId, this);

    public async Task ClearStateAsync()
    {
        await storage.ClearStateAsync(name, grain.GrainId, this);
        State = new T();
    }
}
