using System.Collections.Frozen;
using System.Globalization;
using System.Threading.RateLimiting;
using BoostedGrains.Silo.Http;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// The token API's budget: a token bucket per API key on each silo, found by the key's configured name. Over budget:
/// 429 with <c>Retry-After</c>. The handlers ask it after the key check, so a request without a valid key spends no
/// one's budget.
/// </summary>
/// <remarks>
/// The limiter is the silo's own singleton rather than ASP.NET Core's rate limiting middleware: that middleware never
/// disposes the partitioned limiter it creates, whose timer then keeps every stopped silo's whole service provider
/// reachable (dotnet/aspnetcore#69061). The container disposes these buckets with the silo.
/// </remarks>
public sealed class ApiKeyBudgets : IAsyncDisposable
{
    // One bucket per configured key, made at start: the request path only looks its key's bucket up, with no
    // partition factory to run and no lease to allocate. Empty when the limit is off.
    private readonly FrozenDictionary<string, TokenBucketRateLimiter> _buckets = FrozenDictionary<string, TokenBucketRateLimiter>.Empty;

    /// <summary>Creates the buckets of <c>Gateway__RateLimit__*</c>, or none when it is off.</summary>
    public ApiKeyBudgets(IOptions<GatewayOptions> gateway)
    {
        var options = gateway.Value.RateLimit;
        if (!options.Enabled)
            return;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.TokenLimit,
            TokensPerPeriod = options.TokensPerPeriod,
            ReplenishmentPeriod = options.ReplenishmentPeriod,
            QueueLimit = 0,
        };
        _buckets = gateway.Value.Resolved().Select(key => key.Name).Distinct().ToFrozenDictionary(name => name, _ => new TokenBucketRateLimiter(bucket));
    }

    /// <summary>The 429 answer when the API key named <paramref name="keyName"/> is over its budget, or null to let the request through.</summary>
    public IResult? Reject(HttpContext http, string keyName)
    {
        // The names are those the key check answers with, from the same options: none is missing unless the limit is off.
        if (!_buckets.TryGetValue(keyName, out var bucket))
            return null;
        using var lease = bucket.AttemptAcquire();
        if (lease.IsAcquired)
            return null;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ProblemResponses.Problem(StatusCodes.Status429TooManyRequests, "Too many requests for this API key",
            $"This API key is over its budget (Gateway__RateLimit__*). Retry after {seconds} s.", "rate_limited");
    }

    /// <summary>Stops the buckets' replenishment timers.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var bucket in _buckets.Values)
            await bucket.DisposeAsync();
    }
}
