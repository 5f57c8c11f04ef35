using System.Globalization;
using System.Text;

namespace BoostedGrains.Tokens;

/// <summary>
/// The rule every text a caller hands the cluster follows (user IDs, profile fields, scopes): bounded length, no
/// control characters, no line or paragraph separators and no bidirectional controls, so that it can go into a grain
/// key, a log line or a Boosted request as it is, and reads the same wherever it is shown.
/// </summary>
internal static class InputText
{
    /// <summary>The longest accepted text, in UTF-16 code units.</summary>
    public const int MaxLength = 256;

    /// <summary>Why <paramref name="value"/> (named <paramref name="what"/> in the message) breaks the rule; null when it does not.</summary>
    public static string? Problem(string value, string what) =>
        value.Length > MaxLength ? $"The {what} is {value.Length} characters long; at most {MaxLength} are accepted."
        : value.Any(char.IsControl) ? $"The {what} contains a control character; remove it."
        : value.FirstOrDefault(IsLayoutControl) is not '\0' and var c
            ? $"The {what} contains U+{(int)c:X4}, a line separator or a bidirectional control that changes how text around it is shown; remove it."
        : null;

    /// <summary>
    /// Line and paragraph separators (U+2028, U+2029) and the bidirectional controls (U+200E, U+200F, U+061C,
    /// U+202A–U+202E, U+2066–U+2069): invisible, yet they break a log line or reorder what a reader sees.
    /// </summary>
    public static bool IsLayoutControl(char c) =>
        c is '\u2028' or '\u2029' or '\u200E' or '\u200F' or '\u061C' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>
    /// <paramref name="value"/> made safe to print on one line: control characters, separators, bidirectional controls
    /// and the backslash become <c>\uXXXX</c> escapes, so two different values never print alike.
    /// </summary>
    public static string Escape(string value)
    {
        if (!value.Any(c => c == '\\' || char.IsControl(c) || IsLayoutControl(c)))
            return value;
        var escaped = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (c == '\\' || char.IsControl(c) || IsLayoutControl(c))
                escaped.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            else
                escaped.Append(c);
        }
        return escaped.ToString();
    }
}
