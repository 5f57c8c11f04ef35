using BoostedGrains.Keys;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BoostedGrains.Silo.Jwks;

/// <summary>Serves this silo's cached JWKS: an HTTP surface, so it lives with the other ones in the Silo host.</summary>
public static class JwksEndpoint
{
    /// <summary>
    /// Maps the JWKS at <paramref name="pattern"/>: <c>application/json</c>, <c>Cache-Control: public, max-age</c>
    /// (<see cref="KeyRingOptions.JwksMaxAge"/>), an <c>ETag</c>, 304 on a matching <c>If-None-Match</c>, and 503
    /// until the keys are loaded (so no verifier caches an empty set).
    /// </summary>
    public static IEndpointRouteBuilder MapBoostedJwks(this IEndpointRouteBuilder endpoints, string pattern = "/.well-known/jwks.json")
    {
        endpoints.MapGet(pattern, ServeAsync);
        return endpoints;
    }

    /// <summary>
    /// Defaults the <c>jwks_uri</c> Boosted is given (<see cref="JwksOptions.PublicUrl"/>): <c>Jwks__PublicUrl</c>; unset,
    /// the static blob when <c>Jwks__Publish__*</c> is configured, else this silo's own endpoint on <paramref name="siloUrl"/>
    /// (on loopback when it listens on every address).
    /// </summary>
    public static IServiceCollection AddBoostedJwksPublicUrl(this IServiceCollection services, string siloUrl)
    {
        services.AddOptions<JwksOptions>().PostConfigure<IOptions<JwksPublishOptions>>((jwks, publish) => jwks.PublicUrl ??=
            publish.Value.IsConfigured
                ? publish.Value.CreateBlobClient().Uri
                : new Uri(new Uri(Reachable(siloUrl)), "/.well-known/jwks.json"));
        return services;
    }

    // A listen address for every interface (a container's http://0.0.0.0:8080) is reached on loopback.
    private static string Reachable(string listenUrl) => listenUrl
        .Replace("*", "localhost").Replace("+", "localhost").Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://[::1]");

    private static async Task ServeAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var jwks = services.GetRequiredService<SigningKeyCache>().Jwks;
        var response = context.Response;
        if (jwks is null)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers.CacheControl = "no-store";
            response.Headers.RetryAfter = "5";
            return;
        }
        var maxAge = (long)services.GetRequiredService<IOptions<KeyRingOptions>>().Value.JwksMaxAge.TotalSeconds;
        response.Headers.CacheControl = $"public, max-age={maxAge}";
        response.Headers.ETag = jwks.ETag;
        if (Matches(context.Request, jwks.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.ContentType = "application/json";
        response.ContentLength = jwks.Json.Length;
        await response.Body.WriteAsync(jwks.Json, context.RequestAborted);
    }

    private static bool Matches(HttpRequest request, string etag)
    {
        var target = new EntityTagHeaderValue(etag);
        return request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } tags
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(target, useStrongComparison: false));
    }
}
