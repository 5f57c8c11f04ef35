using BoostedGrains.Client;

namespace BoostedGrains.SampleApp;

/// <summary>
/// The sample's notion of "the signed-in user": the <c>X-User-Id</c> header. A real app server returns its
/// authenticated user's ID here (for example a claim of <c>HttpContext.User</c>).
/// </summary>
public sealed class HeaderUserAccessor(IHttpContextAccessor http) : IBoostedUserAccessor
{
    /// <summary>The header that names the user.</summary>
    public const string Header = "X-User-Id";

    /// <inheritdoc />
    public ValueTask<string?> GetUserIdAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(http.HttpContext?.Request.Headers[Header].ToString() is { Length: > 0 } user ? user : null);
}
