namespace BoostedGrains.Emulator.Hosting;

/// <summary>Which API a request belongs to; faults apply per kind.</summary>
internal enum RequestKind
{
    Token,
    Accounts,
    Threads,
    Admin,
}
