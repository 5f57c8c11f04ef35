using System.Text.Json.Nodes;
using BoostedGrains.Emulator.Accounts;
using BoostedGrains.Emulator.Hosting;
using BoostedGrains.Emulator.Stats;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace BoostedGrains.Emulator.Tokens;

/// <summary><c>POST /oauth2/token</c>: RFC 8693 token exchange with the checks of docs/boosted-api.md §3, in its order.</summary>
internal sealed class TokenEndpoint(
    EmulatorOptions options,
    PartnerRegistry partners,
    AssertionValidator validator,
    ReplayCache replays,
    AccountStore accounts,
    AccessTokenStore tokens,
    StatsCounters stats)
{
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string JwtTokenType = "urn:ietf:params:oauth:token-type:jwt";
    public const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";

    private static readonly string[] RequiredFields = ["grant_type", "subject_token", "subject_token_type", "client_id", "client_secret"];

    private readonly IReadOnlySet<string> _userScopes = Scopes.ForUserWith(options.ExtraUserScopes);

    public void Map(IEndpointRouteBuilder routes, EmulatorPipeline pipeline) =>
        routes.MapPost("/oauth2/token", pipeline.Wrap(RequestKind.Token, HandleAsync));

    private async Task HandleAsync(HttpContext ctx)
    {
        var (form, formError) = await FormBody.ReadAsync(ctx, allowMultipart: false);
        if (form is null)
        {
            await InvalidRequestAsync(ctx, formError!);
            return;
        }

        foreach (var name in RequiredFields)
        {
            if (Single(form, name) is not { Length: > 0 })
            {
                await InvalidRequestAsync(ctx, $"{name} is required exactly once and must not be empty");
                return;
            }
        }

        if (form.TryGetValue("scope", out var scopeValues) && scopeValues.Count > 1)
        {
            await InvalidRequestAsync(ctx, "scope must not be repeated");
            return;
        }

        if (Single(form, "grant_type") != TokenExchangeGrant)
        {
            await InvalidRequestAsync(ctx, $"grant_type must be {TokenExchangeGrant}");
            return;
        }

        if (Single(form, "subject_token_type") != JwtTokenType)
        {
            await InvalidRequestAsync(ctx, $"subject_token_type must be {JwtTokenType}");
            return;
        }

        if (partners.Authenticate(Single(form, "client_id")!, Single(form, "client_secret")!) is not { } partner)
        {
            await Responses.OAuthErrorAsync(ctx, StatusCodes.Status401Unauthorized, "invalid_client", "unknown client ID or wrong client secret");
            return;
        }

        var assertion = await validator.ValidateAsync(partner, Single(form, "subject_token")!, ctx.RequestAborted);
        if (assertion.Error is { } error)
        {
            await Responses.OAuthErrorAsync(ctx, StatusCodes.Status400BadRequest, error, assertion.Description!);
            return;
        }

        Guid? userId = null;
        if (assertion.Subject != partner.ClientId)
        {
            if (accounts.FindUserForSubject(partner.ClientId, assertion.Subject, options.SubjectClaim) is not { } user)
            {
                await Responses.OAuthErrorAsync(ctx, StatusCodes.Status400BadRequest, "invalid_grant",
                    $"sub is neither the client ID nor a user of this partner (subject claim: {options.SubjectClaim})");
                return;
            }

            userId = user.Id;
        }

        var scopeError = GrantScopes(partner, userId is not null, scopeValues.ToString(), out var granted);
        if (scopeError is not null)
        {
            await Responses.OAuthErrorAsync(ctx, StatusCodes.Status400BadRequest, "invalid_scope", scopeError);
            return;
        }

        // Recorded last and atomically, so of two concurrent exchanges with one jti exactly one succeeds.
        if (!replays.TryRemember(partner.ClientId, assertion.Jti, assertion.RememberUntil))
        {
            await Responses.OAuthErrorAsync(ctx, StatusCodes.Status400BadRequest, "invalid_grant", "jti has already been used");
            return;
        }

        var accessToken = tokens.Issue(partner.ClientId, userId, granted.ToHashSet(StringComparer.Ordinal));
        stats.Exchange(assertion.Subject);
        ctx.Response.Headers.Pragma = "no-cache";
        await Responses.WriteJsonAsync(ctx, StatusCodes.Status200OK, new JsonObject
        {
            ["access_token"] = accessToken,
            ["expires_in"] = (int)tokens.Lifetime.TotalSeconds,
            ["issued_token_type"] = AccessTokenType,
            ["scope"] = string.Join(' ', granted),
            ["token_type"] = "Bearer",
        });
    }

    /// <summary>Applies the default scope, then the partner's allowed list, then what this kind of subject may hold.</summary>
    private string? GrantScopes(EmulatorPartner partner, bool isUser, string requested, out string[] granted)
    {
        granted = Scopes.Split(requested);
        if (granted.Length == 0)
        {
            granted = [isUser ? Scopes.Thread : Scopes.AccountManagement];
        }

        var allowed = Scopes.Split(partner.AllowedScopes);
        var kindAllowed = isUser ? _userScopes : Scopes.ForClient;
        foreach (var scope in granted)
        {
            if (!allowed.Contains(scope, StringComparer.Ordinal))
            {
                return $"scope '{scope}' is not allowed for this partner";
            }

            if (!kindAllowed.Contains(scope))
            {
                return isUser ? $"a user token may hold only '{string.Join("' and '", _userScopes.Order(StringComparer.Ordinal))}', not '{scope}'" : $"the client ID may hold only '{Scopes.AccountManagement}' and '{Scopes.Analytics}', not '{scope}'";
            }
        }

        return null;
    }

    private static string? Single(Dictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    private static Task InvalidRequestAsync(HttpContext ctx, string description) =>
        Responses.OAuthErrorAsync(ctx, StatusCodes.Status400BadRequest, "invalid_request", description);
}
