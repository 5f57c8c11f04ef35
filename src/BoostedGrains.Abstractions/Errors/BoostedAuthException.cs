namespace BoostedGrains.Errors;

/// <summary>
/// Boosted refused our credentials or assertion (400/401 from the token endpoint: <c>invalid_client</c>,
/// <c>invalid_grant</c>, <c>invalid_scope</c>, ...). Retrying will not help; the configuration or keys need fixing.
/// </summary>
[GenerateSerializer]
public sealed class BoostedAuthException(string message, string? errorCode = null, int? statusCode = null)
    : BoostedException(message, errorCode, statusCode);
