using System.Globalization;
using System.Threading.RateLimiting;
using BoostedGrains.Silo.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// ASP.NET Core's rate limiter on the token API: a token bucket per API key, partitioned by the key's configured name.
/// Over budget: 429 with <c>Retry-After</c>. Requests without a valid key are not limited here; the handlers turn them away.
/// </summary>
public static class TokenApiRateLimit
{
    /// <summary>The rate limiter policy of the token API's endpoints.</summary>
    public const string PolicyName = "token-api-per-key";

    /// <summary>Registers the limiter, checking <c>Gateway__RateLimit__*</c> at start.</summary>
    public static IServiceCollection AddTokenApiRateLimit(this IServiceCollection services)
    {
        services.AddOptions<GatewayOptions>()
            .Validate(gateway => !gateway.RateLimit.Enabled || (gateway.RateLimit.TokenLimit > 0 && gateway.RateLimit.TokensPerPeriod > 0),
                "Gateway__RateLimit__TokenLimit and Gateway__RateLimit__TokensPerPeriod must be positive (or set Gateway__RateLimit__Enabled=false).")
            .Validate(gateway => !gateway.RateLimit.Enabled || gateway.RateLimit.ReplenishmentPeriod > TimeSpan.Zero,
                "Gateway__RateLimit__ReplenishmentPeriod must be positive, e.g. 00:00:01.");
        return services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = RejectAsync;
            limiter.AddPolicy<string, PerKeyPolicy>(PolicyName);
        });
    }

    // Made once from the silo's services: a partition per request costs no DI scope, closure or options lookup.
    private sealed class PerKeyPolicy : IRateLimiterPolicy<string>
    {
        private static readonly RateLimitPartition<string> NoValidKey = RateLimitPartition.GetNoLimiter("no-valid-key");

        private readonly ApiKeyCheck _keys;
        private readonly Func<string, RateLimiter> _bucket;

        public PerKeyPolicy(ApiKeyCheck keys, IOptions<GatewayOptions> gateway)
        {
            _keys = keys;
            var options = gateway.Value.RateLimit;
            _bucket = _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.TokenLimit,
                TokensPerPeriod = options.TokensPerPeriod,
                ReplenishmentPeriod = options.ReplenishmentPeriod,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }

        // Null: the limiter's OnRejected answers.
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

        public RateLimitPartition<string> GetPartition(HttpContext http) =>
            _keys.KeyName(http) is { } keyName ? new RateLimitPartition<string>(keyName, _bucket) : NoValidKey;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var http = context.HttpContext;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ProblemResponses.Problem(StatusCodes.Status429TooManyRequests, "Too many requests for this API key",
                $"This API key is over its budget (Gateway__RateLimit__*). Retry after {seconds} s.", "rate_limited")
            .ExecuteAsync(http);
    }
}
