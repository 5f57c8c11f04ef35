using BoostedGrains.Boosted;

namespace BoostedGrains.Hosting;

/// <summary>
/// What the host that adds BoostedGrains to a silo knows about its topology, and the library's storage rules depend on.
/// Set in code (<c>AddBoostedGrains(o => …)</c>), not from configuration: the host decides the topology.
/// </summary>
public sealed class BoostedGrainsSiloOptions
{
    /// <summary>
    /// Grain state (the key ring included) outlives the process, as with Azure Table storage: then the KEK must come
    /// from <c>KeyRing__Kek__*</c>, or no silo could read the stored private keys after a restart.
    /// </summary>
    public bool PersistentState { get; set; }

    /// <summary>
    /// Boosted runs in this process and forgets keys with it (the embedded emulator): then an in-memory key ring is safe.
    /// Otherwise in-memory state needs <c>KeyRing__AllowEphemeral=true</c>.
    /// </summary>
    public bool BoostedInProcess { get; set; }

    /// <summary>
    /// The <c>Boosted</c> section, when the host has bound it already while composing (it decides whether Boosted runs in
    /// process): the library starts from this instance instead of binding the section again. Null: the library binds it.
    /// </summary>
    public BoostedOptions? Boosted { get; set; }
}
