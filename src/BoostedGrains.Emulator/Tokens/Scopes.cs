namespace BoostedGrains.Emulator.Tokens;

/// <summary>The scope names of the spec and which kind of subject may hold each.</summary>
internal static class Scopes
{
    public const string Thread = "thread";
    public const string AccountManagement = "account-management";
    public const string Analytics = "analytics";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal) { Thread, AccountManagement, Analytics };

    public static readonly IReadOnlySet<string> ForClient = new HashSet<string>(StringComparer.Ordinal) { AccountManagement, Analytics };

    /// <summary>What a user token may hold: <c>thread</c> and the configured extra user scopes.</summary>
    public static IReadOnlySet<string> ForUserWith(string extraUserScopes) =>
        new HashSet<string>(Split(extraUserScopes).Append(Thread), StringComparer.Ordinal);

    /// <summary>
    /// A scope-token of RFC 6749 §3.3 (printable ASCII except space, <c>"</c> and <c>\</c>) that is none of the spec's
    /// scopes: what <see cref="EmulatorOptions.ExtraUserScopes"/> may list.
    /// </summary>
    public static bool IsValidExtraUserScope(string scope) =>
        !Known.Contains(scope) && scope.All(c => c is >= '!' and <= '~' and not '"' and not '\\');

    public static string[] Split(string? scopes) =>
        (scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
}
