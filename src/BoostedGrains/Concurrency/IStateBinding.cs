namespace BoostedGrains.Concurrency;

/// <summary>Binds a grain's stored state to the grain's ID and checks the binding when the state is read.</summary>
internal interface IStateBinding<T>
{
    /// <summary>Marks <paramref name="state"/> as <paramref name="owner"/>'s and seals what it says, right before it is written.</summary>
    void Seal(T state, string owner);

    /// <summary>
    /// The state to use for <paramref name="stored"/>, read for <paramref name="owner"/>: itself when it is bound to the
    /// owner, or what an unbound record (written before binding) is taken as. Throws
    /// <see cref="Errors.StoredStateRefusedException"/> for state of another ID or with a broken seal.
    /// </summary>
    BindingResult<T> Check(T stored, string owner);
}
