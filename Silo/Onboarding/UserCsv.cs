using System.Text;
using BoostedGrains.Errors;
using BoostedGrains.Tokens;

namespace BoostedGrains.Silo.Onboarding;

/// <summary>
/// Reads an onboarding CSV: a header naming <c>user_id</c> and any of <c>email</c>, <c>name</c>, <c>workspace</c>, then one
/// user per line (RFC 4180 quoting within a line). Bad and repeated rows are returned with their line numbers.
/// </summary>
public static class UserCsv
{
    private static readonly string[] KnownColumns = ["user_id", "email", "name", "workspace"];

    /// <summary>The valid rows and the bad ones; throws <see cref="FormatException"/> when the header is unusable.</summary>
    public static (IReadOnlyList<OnboardingRow> Rows, IReadOnlyList<BadRow> Bad) Read(TextReader reader)
    {
        var header = reader.ReadLine() ?? throw new FormatException("The file is empty: the first line must be a header such as 'user_id,email,name,workspace'.");
        var columns = Split(header.TrimStart('\uFEFF')) ?? throw new FormatException("Line 1: the header has an unclosed quote.");
        columns = columns.Select(c => c.Trim().ToLowerInvariant()).ToList();
        if (columns.FirstOrDefault(c => !KnownColumns.Contains(c)) is { } unknown)
            throw new FormatException($"Line 1: unknown column '{unknown}'; the columns are {string.Join(", ", KnownColumns)}.");
        if (!columns.Contains("user_id"))
            throw new FormatException("Line 1: the header has no 'user_id' column.");

        var rows = new List<OnboardingRow>();
        var bad = new List<BadRow>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var number = 1;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var fields = Split(line);
            if (fields is null)
            {
                bad.Add(new BadRow(number, "unclosed quote (a field may not span lines)"));
                continue;
            }
            if (fields.Count != columns.Count)
            {
                bad.Add(new BadRow(number, $"{fields.Count} fields where the header has {columns.Count}"));
                continue;
            }
            string? Field(string name) => columns.IndexOf(name) is var i and >= 0 && fields[i].Trim() is { Length: > 0 } v ? v : null;
            try
            {
                // Exactly as written, like every other entry point: UserIds refuses surrounding white space.
                var userId = UserIds.Validate(fields[columns.IndexOf("user_id")]);
                var profile = new UserProfile(Field("email"), Field("name"), Field("workspace")).Validate();
                if (seen.TryGetValue(userId, out var first))
                {
                    bad.Add(new BadRow(number, $"user '{userId}' repeats line {first}"));
                    continue;
                }
                seen[userId] = number;
                rows.Add(new OnboardingRow(number, userId, profile));
            }
            catch (Exception e) when (e is InvalidUserIdException or InvalidUserProfileException)
            {
                // The sentence alone: ArgumentException appends "(Parameter '...')", which tells an operator nothing.
                bad.Add(new BadRow(number, e.Message.Replace($" (Parameter '{((ArgumentException)e).ParamName}')", "")));
            }
        }
        return (rows, bad);
    }

    // Null when a quote is left open.
    private static List<string>? Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                    field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"')
                    field.Append(line[++i]);
                else
                    quoted = false;
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        if (quoted)
            return null;
        fields.Add(field.ToString());
        return fields;
    }
}
