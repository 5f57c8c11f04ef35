using BoostedGrains.Silo.Http;
using BoostedGrains.Silo.Security;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Gateway;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;key&gt;</c> naming a configured API key.</summary>
public sealed class ApiKeyFilter(IOptions<GatewayOptions> options) : IEndpointFilter
{
    private readonly ApiKeySet _keys = new(options.Value.ApiKeys);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!AuthorizationHeader.TryGetBearer(context.HttpContext.Request, out var key))
            return ValueTask.FromResult(Unauthorized(context.HttpContext, "Send the API key as 'Authorization: Bearer <key>'."));

        return _keys.NameOf(key) is not null ? next(context) : ValueTask.FromResult(Unauthorized(context.HttpContext, "The API key is not one of Gateway__ApiKeys."));
    }

    /// <summary>The configured name of the API key the request presents, or null when it presents none of them.</summary>
    public string? KeyName(HttpContext http) =>
        AuthorizationHeader.TryGetBearer(http.Request, out var key) ? _keys.NameOf(key) : null;

    private static object? Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ProblemResponses.Problem(StatusCodes.Status401Unauthorized, "Missing or invalid API key", detail, "invalid_api_key");
    }
}
