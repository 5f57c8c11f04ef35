namespace BoostedGrains.Emulator.Tokens;

/// <summary>A verified assertion, or the OAuth error that rejects it.</summary>
internal sealed record AssertionResult(string? Error, string? Description, string Subject = "", string Jti = "", DateTimeOffset RememberUntil = default)
{
    public static AssertionResult Fail(string error, string description) => new(error, description);

    public static AssertionResult InvalidGrant(string description) => new("invalid_grant", description);
}
