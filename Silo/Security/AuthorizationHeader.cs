namespace BoostedGrains.Silo.Security;

/// <summary>Reads the credential a request presents in its <c>Authorization</c> header.</summary>
public static class AuthorizationHeader
{
    private const string BearerScheme = "Bearer ";

    /// <summary>The key of <c>Authorization: Bearer &lt;key&gt;</c> (scheme in any case, spaces trimmed), or null without one.</summary>
    public static string? Bearer(HttpRequest request) =>
        TryGetBearer(request, out var key) ? key.ToString() : null;

    /// <summary>Like <see cref="Bearer"/>, without making a string of the key (it is checked on every request).</summary>
    public static bool TryGetBearer(HttpRequest request, out ReadOnlySpan<char> key)
    {
        var header = request.Headers.Authorization.Count == 1 ? request.Headers.Authorization[0] : request.Headers.Authorization.ToString();
        if (header is null || !header.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase))
        {
            key = default;
            return false;
        }
        key = header.AsSpan(BearerScheme.Length).Trim();
        return true;
    }
}
