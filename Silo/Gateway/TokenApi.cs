using System.Text.Json;
using BoostedGrains.Client;
using BoostedGrains.Errors;
using BoostedGrains.Silo.Http;
using BoostedGrains.Tokens;

namespace BoostedGrains.Silo.Gateway;

/// <summary>The HTTP token API for app servers in any language: a user's token, and reports of rejected tokens.</summary>
public static class TokenApi
{
    private const int MaxBodyBytes = 16 * 1024;

    /// <summary>
    /// Maps <c>POST /v1/users/{userId}/token</c> and <c>POST /v1/users/{userId}/token/rejected</c> behind API keys, rate
    /// limited per key unless <c>Gateway__RateLimit__Enabled</c> is false.
    /// </summary>
    public static RouteGroupBuilder MapTokenApi(this IEndpointRouteBuilder endpoints)
    {
        // Every dependency is a singleton taken once here: a handler parameter resolved from the request's services
        // would create a DI scope per request. The API key is checked by the handlers themselves, not by an endpoint
        // filter, whose invocation context, boxed arguments and ValueTask wrappers cost every request.
        var services = endpoints.ServiceProvider;
        var handlers = new Handlers(services.GetRequiredService<ApiKeyCheck>(), services.GetRequiredService<ApiKeyBudgets>(),
            services.GetRequiredService<KeyAdmission>(), services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<SiloLossRetry>(), services.GetRequiredService<TimeProvider>());
        var users = endpoints.MapGroup("/v1/users/{userId}").DescribeTokenApi();
        users.MapPost("/token", (Func<HttpContext, Task<IResult>>)handlers.GetTokenAsync).DescribeGetToken();
        users.MapPost("/token/rejected", (Func<HttpContext, Task<IResult>>)handlers.ReportRejectedAsync).DescribeReportRejectedToken();
        return users;
    }

    private sealed class Handlers(ApiKeyCheck keys, ApiKeyBudgets budgets, KeyAdmission admission, IGrainFactory grains, SiloLossRetry retry, TimeProvider time)
    {
        // The hot path of the API: no closure, no DI scope, and the answer written without reflection.
        public async Task<IResult> GetTokenAsync(HttpContext http)
        {
            if (Refuse(http, out var key) is { } refused)
                return refused;
            try
            {
                var userId = RawUserId.Resolve(http);
                var grain = grains.GetUserTokenGrain(userId);
                var request = await ReadJsonAsync<TokenRequest>(http, required: false);
                var profile = request is { Email: not null } or { Name: not null } or { Workspace: not null }
                    ? new UserProfile(request.Email, request.Name, request.Workspace).Validate()
                    : null;
                if (!admission.TryAdmitKnown(key, userId, profile, out var outOfScope, out var ticket))
                    (outOfScope, ticket) = await AdmitAsync(http, key, userId, grain, profile);
                if (outOfScope is not null)
                    return outOfScope;
                if (profile is not null)
                    await SetProfileAsync(grain, profile, http.RequestAborted);

                var token = await retry.ExecuteAsync(static g => g.GetAccessTokenAsync(), grain, http.RequestAborted);
                admission.Served(key, userId, ticket);
                http.Response.Headers.CacheControl = "no-store";
                return TokenResponse.Result(token, time.GetUtcNow());
            }
            catch (Exception error) when (ProblemResponses.For(error) is { } problem)
            {
                return problem;
            }
        }

        // The key first: a request without a valid one spends no one's budget.
        private IResult? Refuse(HttpContext http, out GatewayKey key)
        {
            if (keys.Reject(http, out key) is { } refused)
                return refused;
            if (budgets.Reject(http, key.Name) is { } overBudget)
            {
                admission.Refused(key, "rate_limited");
                return overBudget;
            }
            return null;
        }

        // Methods of their own: their closures would otherwise be allocated on every request.
        private Task<(IResult?, KeyAdmission.Ticket)> AdmitAsync(HttpContext http, GatewayKey key, string userId, IUserTokenGrain grain, UserProfile? profile) =>
            retry.ExecuteAsync(() => admission.AdmitTokenAsync(http, key, userId, grain, profile), http.RequestAborted);

        private Task SetProfileAsync(IUserTokenGrain grain, UserProfile profile, CancellationToken cancellationToken) =>
            retry.ExecuteAsync(() => grain.SetProfileAsync(profile), cancellationToken);

        public async Task<IResult> ReportRejectedAsync(HttpContext http)
        {
            if (Refuse(http, out var key) is { } refused)
                return refused;
            return await ProblemResponses.HandleAsync(async () =>
            {
                var userId = RawUserId.Resolve(http);
                var grain = grains.GetUserTokenGrain(userId);
                if (await retry.ExecuteAsync(() => admission.AdmitReportAsync(key, userId, grain), http.RequestAborted) is { } outOfScope)
                    return outOfScope;
                var request = await ReadJsonAsync<RejectedTokenRequest>(http, required: true);
                var hash = request?.AccessTokenSha256;
                if (hash is null || hash.Length != 64 || !hash.All(Uri.IsHexDigit))
                    throw new GatewayBadRequestException("access_token_sha256 must be the 64 hex digits of the rejected token's SHA-256.");

                await retry.ExecuteAsync(() => grain.ReportRejectedTokenAsync(hash.ToLowerInvariant()), http.RequestAborted);
                return Results.NoContent();
            });
        }
    }

    private static async Task<T?> ReadJsonAsync<T>(HttpContext http, bool required) where T : class
    {
        var request = http.Request;
        if (request.ContentLength is > MaxBodyBytes)
            throw new GatewayBadRequestException($"The body is larger than {MaxBodyBytes} bytes.");
        if (request.ContentLength == 0)
            return required ? throw new GatewayBadRequestException("A JSON body is required.") : null;

        // Read at most one byte past the limit: a chunked body has no Content-Length, and must not be buffered whole.
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while (buffer.Length <= MaxBodyBytes && (read = await request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            buffer.Write(chunk, 0, read);
        if (buffer.Length > MaxBodyBytes)
            throw new GatewayBadRequestException($"The body is larger than {MaxBodyBytes} bytes.");
        if (buffer.Length == 0)
            return required ? throw new GatewayBadRequestException("A JSON body is required.") : null;
        if (!request.HasJsonContentType())
            throw new GatewayBadRequestException("Send the body as 'Content-Type: application/json'.");

        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))
                ?? throw new GatewayBadRequestException("The body must be a JSON object.");
        }
        catch (JsonException)
        {
            throw new GatewayBadRequestException("The body is not valid JSON of the documented shape.");
        }
    }
}
