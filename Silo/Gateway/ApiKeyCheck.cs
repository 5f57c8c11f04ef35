using BoostedGrains.Silo.Http;
using BoostedGrains.Silo.Security;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Gateway;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;key&gt;</c> naming a configured API key.</summary>
public sealed class ApiKeyCheck(IOptions<GatewayOptions> options)
{
    private readonly ApiKeySet _keys = new(options.Value.ApiKeys);

    /// <summary>
    /// The 401 answer for a request that presents none of the keys, or null to let it through with the configured name
    /// of its key in <paramref name="keyName"/>.
    /// </summary>
    public IResult? Reject(HttpContext http, out string keyName)
    {
        var presented = AuthorizationHeader.TryGetBearer(http.Request, out var key);
        if (presented && _keys.NameOf(key) is { } name)
        {
            keyName = name;
            return null;
        }
        keyName = "";
        return presented
            ? Unauthorized(http, "The API key is not one of Gateway__ApiKeys.")
            : Unauthorized(http, "Send the API key as 'Authorization: Bearer <key>'.");
    }

    private static IResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ProblemResponses.Problem(StatusCodes.Status401Unauthorized, "Missing or invalid API key", detail, "invalid_api_key");
    }
}
