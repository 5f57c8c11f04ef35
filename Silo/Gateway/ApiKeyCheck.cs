using System.Collections.Frozen;
using BoostedGrains.Silo.Http;
using BoostedGrains.Silo.Security;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// Lets a request through only with <c>Authorization: Bearer &lt;key&gt;</c> naming a configured API key, from an address
/// that has not presented too many wrong ones (<see cref="FailedKeyAttempts"/>).
/// </summary>
public sealed class ApiKeyCheck
{
    private readonly ApiKeySet _keys;
    private readonly FrozenDictionary<string, GatewayKey> _byName;
    private readonly FailedKeyAttempts _failures;

    public ApiKeyCheck(IOptions<GatewayOptions> options, FailedKeyAttempts failures)
    {
        var keys = options.Value.Resolved();
        _keys = new ApiKeySet(keys.Select(key => KeyValuePair.Create(key.Name, key.Key)));
        // Names are unique (checked at start): the last one would win otherwise.
        _byName = keys.GroupBy(key => key.Name).ToFrozenDictionary(group => group.Key, group => group.Last());
        _failures = failures;
    }

    /// <summary>
    /// The 401 (or 429) answer for a request that presents none of the keys, or null to let it through with its key in
    /// <paramref name="key"/>.
    /// </summary>
    public IResult? Reject(HttpContext http, out GatewayKey key)
    {
        key = null!;
        if (_failures.Blocked(http) is { } blocked)
            return blocked;
        var presented = AuthorizationHeader.TryGetBearer(http.Request, out var value);
        if (presented && _keys.NameOf(value) is { } name)
        {
            key = _byName[name];
            return null;
        }
        return _failures.Failed(http, presented
            ? Unauthorized(http, "The API key is not one of Gateway__ApiKeys or Gateway__Keys.")
            : Unauthorized(http, "Send the API key as 'Authorization: Bearer <key>'."));
    }

    private static IResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ProblemResponses.Problem(StatusCodes.Status401Unauthorized, "Missing or invalid API key", detail, "invalid_api_key");
    }
}
