namespace BoostedGrains.Errors;

/// <summary>
/// Boosted rejected a request other than a token exchange (account management 403/404/422, an unexpected answer).
/// The message names the operation and Boosted's reason.
/// </summary>
[GenerateSerializer]
public sealed class BoostedRequestException(string message, int? statusCode = null, string? errorCode = null)
    : BoostedException(message, errorCode, statusCode);
