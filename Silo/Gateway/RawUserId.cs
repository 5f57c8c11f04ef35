using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// The user ID exactly as the caller percent-encoded it. ASP.NET Core decodes route values except <c>%2F</c>, so the
/// route value of <c>a%2Fb</c> (user <c>a/b</c>) and of <c>a%252Fb</c> (user <c>a%2Fb</c>) are both <c>a%2Fb</c>: two
/// partner users would share one grain and one Boosted token. Decoding the raw request target once, strictly as UTF-8,
/// keeps every ID distinct.
/// </summary>
public static class RawUserId
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The decoded <c>{userId}</c> segment of <c>/v1/users/{userId}/...</c>; the route value when the target has another shape.</summary>
    public static string Resolve(HttpContext http, string routeValue)
    {
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
            return routeValue;
        if (!target.StartsWith('/') && target.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0)
        {
            // Absolute form (through a forward proxy): keep only the path.
            var path = target.IndexOf('/', scheme + 3);
            target = path < 0 ? "/" : target[path..];
        }
        var segments = target.Split('?', 2)[0].Split('/');
        if (segments.Length < 4 || segments[1] != "v1" || segments[2] != "users")
            return routeValue;
        var decoded = Decode(segments[3]);
        // A dot segment elsewhere in the raw path would make the route's segment another one than this.
        if (segments.Skip(1).Select(Decode).Any(s => s is "." or ".."))
            throw new GatewayBadRequestException("The path holds a '.' or '..' segment; percent-encode the user ID (Uri.EscapeDataString).");
        return decoded;
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
