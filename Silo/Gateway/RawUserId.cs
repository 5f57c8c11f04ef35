using System.Text;
using BoostedGrains.Tokens;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Patterns;

namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// The user ID exactly as the caller percent-encoded it, for every route that takes a <c>{userId}</c> segment (token
/// API and admin API alike). ASP.NET Core decodes route values except <c>%2F</c>, so the route value of <c>a%2Fb</c>
/// (user <c>a/b</c>) and of <c>a%252Fb</c> (user <c>a%2Fb</c>) are both <c>a%2Fb</c>: two partner users would share
/// one grain and one Boosted token. The segment is taken from the raw request target at the position the matched
/// route pattern gives it, so literal segments match as routing matched them (case-insensitively), and decoded once,
/// strictly as UTF-8.
/// </summary>
public static class RawUserId
{
    private const string Parameter = "userId";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The validated, decoded <c>{userId}</c> segment of the request's matched route.</summary>
    /// <exception cref="GatewayBadRequestException">The raw path cannot be read as the route matched it.</exception>
    public static string Resolve(HttpContext http)
    {
        var position = SegmentIndex(http.GetEndpoint() as RouteEndpoint)
            ?? throw new InvalidOperationException($"The endpoint for {http.Request.Path} has no {{{Parameter}}} route segment.");
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
            target = http.Request.Path.ToUriComponent();
        if (!target.StartsWith('/') && target.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0)
        {
            // Absolute form (through a forward proxy): keep only the path.
            var path = target.IndexOf('/', scheme + 3);
            target = path < 0 ? "/" : target[path..];
        }
        var rawPath = target.AsSpan();
        if (rawPath.IndexOf('?') is var query and >= 0)
            rawPath = rawPath[..query];
        // Segment 0 is the empty text before the leading '/'. Only a segment holding a '%' is decoded (into a string).
        string? userId = null;
        var index = 0;
        foreach (var range in rawPath.Split('/'))
        {
            var raw = rawPath[range];
            var decoded = raw.Contains('%') ? Decode(raw.ToString()) : null;
            var segment = decoded is null ? raw : decoded.AsSpan();
            // A dot segment anywhere in the raw path would make the route's segment another one than this.
            if (index > 0 && segment is "." or "..")
                throw new GatewayBadRequestException("The path holds a '.' or '..' segment; percent-encode the user ID (Uri.EscapeDataString).");
            if (index == position + 1)
                userId = decoded ?? raw.ToString();
            index++;
        }
        if (userId is null)
            throw new GatewayBadRequestException("The path has no user ID segment; percent-encode the user ID (Uri.EscapeDataString).");
        return UserIds.Validate(userId);
    }

    private static int? SegmentIndex(RouteEndpoint? endpoint)
    {
        var segments = endpoint?.RoutePattern.PathSegments;
        if (segments is null)
            return null;
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].Parts is [RoutePatternParameterPart { Name: Parameter }])
                return i;
        }
        return null;
    }

    private static string Decode(string segment)
    {
        if (!segment.Contains('%'))
            return segment;
        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '%' && i + 2 < segment.Length
                && Uri.IsHexDigit(segment[i + 1]) && Uri.IsHexDigit(segment[i + 2]))
            {
                bytes.Add(Convert.ToByte(segment.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(segment[i].ToString()));
            }
        }
        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw new GatewayBadRequestException("The user ID is not valid UTF-8 once percent-decoded; encode it with Uri.EscapeDataString or its equivalent.");
        }
    }
}
