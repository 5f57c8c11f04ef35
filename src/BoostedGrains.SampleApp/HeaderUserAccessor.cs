using BoostedGrains.Client;

namespace BoostedGrains.SampleApp;

/// <summary>
/// A SAMPLE ONLY; DO NOT USE AS IS. It believes whatever user the caller names in the <c>X-User-Id</c> header, so
/// anyone who can reach the app gets any user's Boosted token by naming that user. A real app server returns its
/// authenticated user's ID here (for example a claim of <c>HttpContext.User</c>, after its own sign-in).
/// </summary>
public sealed class HeaderUserAccessor(IHttpContextAccessor http) : IBoostedUserAccessor
{
    /// <summary>The header that names the user.</summary>
    public const string Header = "X-User-Id";

    // Trusts the caller's header: acceptable only in this sample, which has no sign-in. See the class summary.
    /// <inheritdoc />
    public ValueTask<string?> GetUserIdAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(http.HttpContext?.Request.Headers[Header].ToString() is { Length: > 0 } user ? user : null);
}
