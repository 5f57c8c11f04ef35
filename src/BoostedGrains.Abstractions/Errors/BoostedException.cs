namespace BoostedGrains.Errors;

/// <summary>The base of every error BoostedGrains reports about Boosted. Messages never carry tokens or secrets.</summary>
[GenerateSerializer]
public abstract class BoostedException : Exception
{
    protected BoostedException(string message, string? errorCode = null, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode;
    }

    /// <summary>Boosted's <c>error</c> code (for example <c>invalid_grant</c>), when it gave one.</summary>
    [Id(0)] public string? ErrorCode { get; }

    /// <summary>The HTTP status Boosted answered with, when there was an answer.</summary>
    [Id(1)] public int? StatusCode { get; }
}
