using System.Text;
using BoostedGrains.Diagnostics;
using BoostedGrains.Silo.Http;
using BoostedGrains.Silo.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace BoostedGrains.Silo.Admin;

/// <summary>
/// Lets a request through only with an admin key: <c>Authorization: Bearer &lt;key&gt;</c>, or HTTP Basic with the key as
/// password (so that a browser can open the dashboard). Gateway keys are not admin keys. A wrong key is audited as
/// <c>login_failed</c>; a request with no key at all is not (a browser asks without one first).
/// </summary>
public sealed class AdminKeyFilter(IOptions<AdminOptions> options, AdminAudit audit) : IEndpointFilter
{
    private const string CallerItem = "BoostedGrains.AdminCaller";

    private readonly ApiKeySet _keys = new(options.Value.ApiKeys);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var presented = Presented(http.Request);
        if (presented is null)
            return ValueTask.FromResult(Unauthorized(http, "Send an admin key as 'Authorization: Bearer <key>' (or as the Basic password)."));
        if (_keys.NameOf(presented) is not { } caller)
        {
            audit.Record("login_failed", http.Request.Path, caller: "unknown key", "refused");
            return ValueTask.FromResult(Unauthorized(http, "The key is not one of Admin__ApiKeys."));
        }
        http.Items[CallerItem] = caller;
        return next(context);
    }

    /// <summary>The configured name of the admin key that this request passed the filter with.</summary>
    public static string Caller(HttpContext http) => http.Items[CallerItem] as string ?? "unknown key";

    private static string? Presented(HttpRequest request)
    {
        if (AuthorizationHeader.Bearer(request) is { } bearer)
            return bearer;
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = pair.IndexOf(':');
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static object? Unauthorized(HttpContext http, string detail)
    {
        // One header per scheme: Chromium reads only the first scheme of a combined header, and would never prompt for Basic.
        http.Response.Headers.WWWAuthenticate = new StringValues(["Basic realm=\"BoostedGrains admin\"", "Bearer"]);
        return ProblemResponses.Problem(StatusCodes.Status401Unauthorized, "Missing or invalid admin key", detail, "invalid_admin_key");
    }
}
