using BoostedGrains.Silo.Security;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Gateway;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;key&gt;</c> naming a configured API key.</summary>
public sealed class ApiKeyFilter(IOptions<GatewayOptions> options) : IEndpointFilter
{
    private readonly ApiKeySet _keys = new(options.Value.ApiKeys);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!context.HttpContext.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return ValueTask.FromResult(Unauthorized(context.HttpContext, "Send the API key as 'Authorization: Bearer <key>'."));

        return KeyName(context.HttpContext) is not null ? next(context) : ValueTask.FromResult(Unauthorized(context.HttpContext, "The API key is not one of Gateway__ApiKeys."));
    }

    /// <summary>The configured name of the API key the request presents, or null when it presents none of them.</summary>
    public string? KeyName(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? _keys.NameOf(header["Bearer ".Length..].Trim()) : null;
    }

    private static object? Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(title: "Missing or invalid API key", detail: detail, statusCode: StatusCodes.Status401Unauthorized,
            extensions: new Dictionary<string, object?> { ["code"] = "invalid_api_key" });
    }
}
