namespace BoostedGrains.Silo.Security;

/// <summary>Reads the credential a request presents in its <c>Authorization</c> header.</summary>
public static class AuthorizationHeader
{
    private const string BearerScheme = "Bearer ";

    /// <summary>The key of <c>Authorization: Bearer &lt;key&gt;</c> (scheme in any case, spaces trimmed), or null without one.</summary>
    public static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase) ? header[BearerScheme.Length..].Trim() : null;
    }
}
