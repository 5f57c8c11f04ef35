using BoostedGrains.Emulator.Tokens;

namespace BoostedGrains.Emulator.Hosting;

/// <summary>Resolves the <c>Authorization: Bearer</c> token of an API call and answers 401/403 as the spec fixes.</summary>
internal sealed class BearerAuth(AccessTokenStore tokens)
{
    /// <summary>Returns the token's grant when it holds <paramref name="scope"/>; otherwise writes 401 or 403 and returns null.</summary>
    public async Task<IssuedToken?> RequireAsync(HttpContext ctx, string scope)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        var token = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? tokens.Find(header[prefix.Length..].Trim()) : null;
        if (token is null)
        {
            await Responses.FailureAsync(ctx, StatusCodes.Status401Unauthorized, "missing, unknown or expired access token", bearerChallenge: true);
            return null;
        }

        if (!token.HasScope(scope))
        {
            await Responses.FailureAsync(ctx, StatusCodes.Status403Forbidden, $"the access token lacks the '{scope}' scope", bearerChallenge: true);
            return null;
        }

        return token;
    }
}
