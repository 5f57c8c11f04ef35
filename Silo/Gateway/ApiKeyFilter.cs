using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Gateway;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;key&gt;</c> naming a configured API key.</summary>
public sealed class ApiKeyFilter(IOptions<GatewayOptions> options) : IEndpointFilter
{
    // Keys are compared as SHA-256 digests so that the comparison takes the same time whatever the key's length.
    private readonly byte[][] _keyDigests = options.Value.ApiKeys.Select(Digest).ToArray();

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return ValueTask.FromResult(Unauthorized(context.HttpContext, "Send the API key as 'Authorization: Bearer <key>'."));

        var presented = Digest(header["Bearer ".Length..].Trim());
        var match = false;
        foreach (var digest in _keyDigests)
            match |= CryptographicOperations.FixedTimeEquals(digest, presented);
        return match ? next(context) : ValueTask.FromResult(Unauthorized(context.HttpContext, "The API key is not one of Gateway__ApiKeys."));
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static object? Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(title: "Missing or invalid API key", detail: detail, statusCode: StatusCodes.Status401Unauthorized,
            extensions: new Dictionary<string, object?> { ["code"] = "invalid_api_key" });
    }
}
