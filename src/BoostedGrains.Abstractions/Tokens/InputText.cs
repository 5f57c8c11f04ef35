namespace BoostedGrains.Tokens;

/// <summary>
/// The rule every text a caller hands the cluster follows (user IDs, profile fields, scopes): bounded length and no
/// control characters, so that it can go into a grain key, a log line or a Boosted request as it is.
/// </summary>
internal static class InputText
{
    /// <summary>The longest accepted text, in UTF-16 code units.</summary>
    public const int MaxLength = 256;

    /// <summary>Why <paramref name="value"/> (named <paramref name="what"/> in the message) breaks the rule; null when it does not.</summary>
    public static string? Problem(string value, string what) =>
        value.Length > MaxLength ? $"The {what} is {value.Length} characters long; at most {MaxLength} are accepted."
        : value.Any(char.IsControl) ? $"The {what} contains a control character; remove it."
        : null;
}
