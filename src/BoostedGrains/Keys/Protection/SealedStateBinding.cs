using BoostedGrains.Concurrency;
using BoostedGrains.Errors;

namespace BoostedGrains.Keys;

/// <summary>
/// A binding that stores the owner's ID in the state and an HMAC (<see cref="RecordBinder"/>) over the kind of
/// state, the owner and what the state points at. State of another ID, or with a tag that does not match, is refused.
/// </summary>
internal abstract class SealedStateBinding<T>(RecordBinder binder) : IStateBinding<T>
{
    /// <summary>What the state is of, in messages and in the tag (<c>user</c>, <c>workspace</c>, ...).</summary>
    protected abstract string Kind { get; }

    /// <summary>What an operator does about refused state, said after the cause.</summary>
    protected abstract string Recovery(string owner);

    /// <summary>The fields the tag covers, besides the kind and the owner.</summary>
    protected abstract string?[] Fields(T state);

    /// <summary>The stored owner, KEK ID and tag.</summary>
    protected abstract (string? Owner, string? KekId, byte[]? Tag) Stored(T state, string owner);

    /// <summary>Stores the owner, KEK ID and tag.</summary>
    protected abstract void Store(T state, string owner, string kekId, byte[] tag);

    /// <summary>What a record written without a binding is taken as (or throws when it cannot be taken at all).</summary>
    protected abstract T Unbound(T state, string owner);

    /// <summary>The error for state sealed under a KEK this silo does not have (<paramref name="why"/> names the setting).</summary>
    protected virtual Exception WrongKek(string owner, string why) =>
        new StoredStateRefusedException($"The stored state of {Kind} '{owner}' {why}. Nothing is served from it meanwhile.");

    /// <summary>Checks that hold besides the tag (throws <see cref="StoredStateRefusedException"/>).</summary>
    protected virtual void CheckContent(T state, string owner)
    {
    }

    public void Seal(T state, string owner)
    {
        var kekId = binder.CurrentKekId;
        Store(state, owner, kekId, binder.Seal([Kind, owner, .. Fields(state)]));
    }

    public BindingResult<T> Check(T stored, string owner)
    {
        var (storedOwner, kekId, tag) = Stored(stored, owner);
        if (storedOwner is null && kekId is null && tag is null)
            return new(Unbound(stored, owner), true);
        if (storedOwner != owner)
            throw Refused(owner, "belongs to another ID (it was copied or moved in storage)");
        if (kekId is null || tag is null)
            throw Refused(owner, "names its owner but carries no seal (it was changed outside the silo)");
        switch (binder.Check(kekId, tag, [Kind, owner, .. Fields(stored)]))
        {
            case RecordCheck.UnknownKek:
                throw WrongKek(owner, $"was sealed with KEK '{kekId}', which is not configured: add it under KeyRing__PreviousKeks (or set KeyRing__Kek to it)");
            case RecordCheck.WrongKek:
                throw WrongKek(owner, $"was sealed with another key than the one configured as KEK '{kekId}': check KeyRing__Kek__Key (and KeyRing__PreviousKeks)");
            case RecordCheck.Altered:
                throw Refused(owner, "fails its integrity check (it was changed outside the silo)");
        }
        CheckContent(stored, owner);
        return new(stored, false);
    }

    /// <summary>The refusal of <paramref name="owner"/>'s state because it <paramref name="why"/>.</summary>
    protected StoredStateRefusedException Refused(string owner, string why) =>
        new($"The stored state of {Kind} '{owner}' {why}. Nothing is served from it. {Recovery(owner)}");
}
