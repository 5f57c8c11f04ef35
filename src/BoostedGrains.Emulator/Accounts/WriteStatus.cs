namespace BoostedGrains.Emulator.Accounts;

/// <summary>Outcome of a create or patch in the store.</summary>
internal enum WriteStatus
{
    Done,
    Conflict,
    UnknownParent,
    ExternalIdTaken,
    ParentChange,
}
