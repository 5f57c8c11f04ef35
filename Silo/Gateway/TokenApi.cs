using System.Text.Json;
using BoostedGrains.Client;
using BoostedGrains.Errors;
using BoostedGrains.Silo.Http;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Options;

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
        // The registered singleton, not AddEndpointFilter<ApiKeyFilter>(): that form constructs the filter on every request,
        // hashing every configured key each time (measured: about 2 % of the silo's CPU on warm token requests).
        var users = endpoints.MapGroup("/v1/users/{userId}").AddEndpointFilter(endpoints.ServiceProvider.GetRequiredService<ApiKeyFilter>())
            .DescribeTokenApi();
        users.MapPost("/token", GetTokenAsync).DescribeGetToken();
        users.MapPost("/token/rejected", ReportRejectedAsync).DescribeReportRejectedToken();
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value.RateLimit.Enabled)
            users.RequireRateLimiting(TokenApiRateLimit.PolicyName);
        return users;
    }

    // The hot path of the API: no closure around the handler, and the answer written without reflection.
    private static async Task<IResult> GetTokenAsync(HttpContext http, IGrainFactory grains, SiloLossRetry retry, TimeProvider time)
    {
        try
        {
            var grain = grains.GetUserTokenGrain(RawUserId.Resolve(http));
            var request = await ReadJsonAsync<TokenRequest>(http, required: false);
            if (request is { Email: not null } or { Name: not null } or { Workspace: not null })
            {
                var profile = new UserProfile(request.Email, request.Name, request.Workspace).Validate();
                await retry.ExecuteAsync(() => grain.SetProfileAsync(profile), http.RequestAborted);
            }

            var token = await retry.ExecuteAsync(grain.GetAccessTokenAsync, http.RequestAborted);
            http.Response.Headers.CacheControl = "no-store";
            return TokenResponse.Result(token, time.GetUtcNow());
        }
        catch (Exception error) when (ProblemResponses.For(error) is { } problem)
        {
            return problem;
        }
    }

    private static async Task<IResult> ReportRejectedAsync(HttpContext http, IGrainFactory grains, SiloLossRetry retry)
    {
        return await ProblemResponses.HandleAsync(async () =>
        {
            var grain = grains.GetUserTokenGrain(RawUserId.Resolve(http));
            var request = await ReadJsonAsync<RejectedTokenRequest>(http, required: true);
            var hash = request?.AccessTokenSha256;
            if (hash is null || hash.Length != 64 || !hash.All(Uri.IsHexDigit))
                throw new GatewayBadRequestException("access_token_sha256 must be the 64 hex digits of the rejected token's SHA-256.");

            await retry.ExecuteAsync(() => grain.ReportRejectedTokenAsync(hash.ToLowerInvariant()), http.RequestAborted);
            return Results.NoContent();
        });
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
