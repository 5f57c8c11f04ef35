using BoostedGrains.Silo.Http;
using BoostedGrains.Silo.Security;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Gateway;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;key&gt;</c> naming a configured API key.</summary>
public sealed class ApiKeyCheck(IOptions<GatewayOptions> options)
{
    private readonly ApiKeySet _keys = new(options.Value.ApiKeys);

    // The rate limiter and the handler both ask for the key of one request, on one thread with no await between them:
    // the header string checked last on this thread is remembered, so the key is hashed once per request. Only the
    // same string object hits (Kestrel hands the same one to the requests of a connection that send the same header),
    // and a string never changes, so a hit is the answer the hash would give.
    [ThreadStatic]
    private static (ApiKeyCheck Owner, string Header, string? Name)? t_last;

    /// <summary>The 401 answer for a request that presents none of the keys, or null to let it through.</summary>
    public IResult? Reject(HttpContext http)
    {
        if (KeyName(http) is not null)
            return null;
        return AuthorizationHeader.TryGetBearer(http.Request, out _)
            ? Unauthorized(http, "The API key is not one of Gateway__ApiKeys.")
            : Unauthorized(http, "Send the API key as 'Authorization: Bearer <key>'.");
    }

    /// <summary>The configured name of the API key the request presents, or null when it presents none of them.</summary>
    public string? KeyName(HttpContext http)
    {
        var header = http.Request.Headers.Authorization;
        var single = header.Count == 1 ? header[0] : null;
        if (single is not null && t_last is { } last && ReferenceEquals(last.Owner, this) && ReferenceEquals(last.Header, single))
            return last.Name;
        var name = AuthorizationHeader.TryGetBearer(http.Request, out var key) ? _keys.NameOf(key) : null;
        if (single is not null)
            t_last = (this, single, name);
        return name;
    }

    private static IResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ProblemResponses.Problem(StatusCodes.Status401Unauthorized, "Missing or invalid API key", detail, "invalid_api_key");
    }
}
