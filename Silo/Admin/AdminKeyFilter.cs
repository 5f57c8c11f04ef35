using System.Text;
using BoostedGrains.Silo.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace BoostedGrains.Silo.Admin;

/// <summary>
/// Lets a request through only with an admin key: <c>Authorization: Bearer &lt;key&gt;</c>, or HTTP Basic with the key as
/// password (so that a browser can open the dashboard). Gateway keys are not admin keys.
/// </summary>
public sealed class AdminKeyFilter(IOptions<AdminOptions> options) : IEndpointFilter
{
    private readonly ApiKeySet _keys = new(options.Value.ApiKeys);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = Presented(context.HttpContext.Request.Headers.Authorization.ToString());
        if (presented is null)
            return ValueTask.FromResult(Unauthorized(context.HttpContext, "Send an admin key as 'Authorization: Bearer <key>' (or as the Basic password)."));
        return _keys.Contains(presented) ? next(context) : ValueTask.FromResult(Unauthorized(context.HttpContext, "The key is not one of Admin__ApiKeys."));
    }

    private static string? Presented(string header)
    {
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return header["Bearer ".Length..].Trim();
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
        return Results.Problem(title: "Missing or invalid admin key", detail: detail, statusCode: StatusCodes.Status401Unauthorized,
            extensions: new Dictionary<string, object?> { ["code"] = "invalid_admin_key" });
    }
}
