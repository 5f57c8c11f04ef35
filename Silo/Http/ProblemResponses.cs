using BoostedGrains.Errors;
using BoostedGrains.Silo.Gateway;

namespace BoostedGrains.Silo.Http;

/// <summary>
/// The problem details (RFC 7807) every HTTP surface of the silo answers with: a title, a detail that says what to do,
/// and a machine-readable <c>code</c>. Also turns the cluster's typed errors into them, with the right status.
/// </summary>
public static class ProblemResponses
{
    /// <summary>Runs <paramref name="action"/>, answering its typed failures as problem details.</summary>
    public static async Task<IResult> HandleAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception error) when (For(error) is { } problem)
        {
            return problem;
        }
    }

    /// <summary>The problem answer for a failure the API explains to its caller, or null for one it does not.</summary>
    public static IResult? For(Exception error) => error switch
    {
        GatewayBadRequestException or InvalidUserIdException or InvalidUserProfileException or InvalidScopeException =>
            Problem(StatusCodes.Status400BadRequest, "Invalid request", error.Message, "invalid_request"),
        BoostedUnavailableException unavailable =>
            new RetryAfterResult(unavailable.RetryAfter, Problem(StatusCodes.Status503ServiceUnavailable,
                "Boosted is unavailable", error.Message, "boosted_unavailable")),
        SigningKeyUnavailableException =>
            Problem(StatusCodes.Status503ServiceUnavailable, "No signing key is available", error.Message, "signing_key_unavailable"),
        BoostedException boosted =>
            Problem(StatusCodes.Status502BadGateway, "Boosted rejected the request", error.Message, boosted.ErrorCode ?? "boosted_error"),
        StoredStateRefusedException =>
            Problem(StatusCodes.Status500InternalServerError, "Stored state refused", error.Message, "stored_state_refused"),
        TimeoutException =>
            Problem(StatusCodes.Status503ServiceUnavailable, "The cluster is unavailable",
                "The token cluster did not answer in time; retry shortly.", "cluster_unavailable"),
        // Orleans' own failures (a silo leaving, grain storage unreachable) carry provider details: name the kind only.
        OrleansException =>
            Problem(StatusCodes.Status503ServiceUnavailable, "The cluster is unavailable",
                "The token cluster could not complete the call (a silo or its grain storage is unavailable); retry shortly.", "cluster_unavailable"),
        _ => null,
    };

    /// <summary>A problem details response with a <c>code</c>.</summary>
    public static IResult Problem(int status, string title, string detail, string code) =>
        Results.Problem(title: title, detail: detail, statusCode: status,
            extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>A problem result that also tells the caller when to come back.</summary>
    private sealed class RetryAfterResult(TimeSpan? retryAfter, IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (retryAfter is { } delay)
                httpContext.Response.Headers.RetryAfter = Math.Ceiling(delay.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
