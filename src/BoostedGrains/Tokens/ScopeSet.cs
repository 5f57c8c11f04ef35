using BoostedGrains.Errors;

namespace BoostedGrains.Tokens;

/// <summary>
/// The one spelling of a scope set: space-delimited scopes (RFC 6749 §3.3), de-duplicated and sorted, each one of the
/// allowed scopes. <c>"thread "</c>, <c>"thread thread"</c> and <c>"thread"</c> are one set, so one slot and one exchange;
/// and since every scope is allowed, metric tags stay a fixed vocabulary.
/// </summary>
internal static class ScopeSet
{
    /// <summary>The longest scope text accepted, in characters.</summary>
    public const int MaxLength = InputText.MaxLength;

    /// <summary>The normalised form of <paramref name="scope"/>; throws <see cref="InvalidScopeException"/> when it is not usable.</summary>
    public static string Normalize(string? scope, IReadOnlySet<string> allowed)
    {
        if (string.IsNullOrWhiteSpace(scope) || InputText.Problem(scope, "scope") is not null)
            throw new InvalidScopeException($"The scope must be non-empty space-delimited Boosted scopes (for example 'thread'), at most {MaxLength} characters.");
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (scopes.FirstOrDefault(s => !allowed.Contains(s)) is { } refused)
            throw new InvalidScopeException(
                $"The scope '{refused}' is not allowed here: Boosted__AllowedUserScopes lists {string.Join(", ", allowed.Order(StringComparer.Ordinal))}. "
                + "Ask for one of those, or add it to Boosted__AllowedUserScopes if Boosted grants it to your client.");
        var normalized = string.Join(' ', scopes);
        // Already in its one spelling (the configured default scope, typically): every grain shares that one string.
        return normalized == scope ? scope : normalized;
    }
}
