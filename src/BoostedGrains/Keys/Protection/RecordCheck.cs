namespace BoostedGrains.Keys;

/// <summary>What checking a stored record's tag found.</summary>
internal enum RecordCheck
{
    /// <summary>The tag matches: the record is as the silo wrote it.</summary>
    Valid,

    /// <summary>The tag does not match: the record was changed outside the silo.</summary>
    Altered,

    /// <summary>The record was sealed under another key than the one configured under its KEK ID.</summary>
    WrongKek,

    /// <summary>The KEK the record names is not configured.</summary>
    UnknownKek,
}
