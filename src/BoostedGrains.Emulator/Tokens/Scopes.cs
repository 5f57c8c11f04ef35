namespace BoostedGrains.Emulator.Tokens;

/// <summary>The scope names of the spec and which kind of subject may hold each.</summary>
internal static class Scopes
{
    public const string Thread = "thread";
    public const string AccountManagement = "account-management";
    public const string Analytics = "analytics";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal) { Thread, AccountManagement, Analytics };

    public static readonly IReadOnlySet<string> ForUser = new HashSet<string>(StringComparer.Ordinal) { Thread };

    public static readonly IReadOnlySet<string> ForClient = new HashSet<string>(StringComparer.Ordinal) { AccountManagement, Analytics };

    public static string[] Split(string? scopes) =>
        (scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
}
