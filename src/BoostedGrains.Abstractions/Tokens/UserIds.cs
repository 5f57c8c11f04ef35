using BoostedGrains.Errors;

namespace BoostedGrains.Tokens;

/// <summary>
/// The rules for a partner's user ID, checked before any grain work and the same at every entry point (grain, token
/// API, admin API, onboarding). An ID is taken exactly as given: it is never trimmed, so an ID that starts or ends with
/// white space is refused rather than silently becoming another user.
/// </summary>
public static class UserIds
{
    /// <summary>The longest accepted user ID, in UTF-16 code units.</summary>
    public const int MaxLength = InputText.MaxLength;

    /// <summary>Throws <see cref="InvalidUserIdException"/> unless <paramref name="userId"/> is a valid user ID.</summary>
    public static string Validate(string? userId)
    {
        if (string.IsNullOrWhiteSpace(userId))
            throw new InvalidUserIdException("The user ID is empty. Pass the partner's non-empty ID for the end user.");
        if (InputText.Problem(userId, "user ID") is { } problem)
            throw new InvalidUserIdException(problem);
        if (char.IsWhiteSpace(userId[0]) || char.IsWhiteSpace(userId[^1]))
            throw new InvalidUserIdException("The user ID starts or ends with white space; send the ID without surrounding spaces.");
        return userId;
    }
}
