namespace BoostedGrains.Emulator.Accounts;

/// <summary>Outcome of finding an entity for a partner.</summary>
internal enum LookupStatus
{
    Found,
    NotFound,
    OtherPartner,
}
