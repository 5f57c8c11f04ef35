using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace BoostedGrains.Boosted;

/// <summary>The resilience pipeline every call to Boosted goes through (design rule 7).</summary>
internal static class BoostedResilience
{
    /// <summary>The pipeline of token exchanges.</summary>
    public const string TokenPipeline = "boosted-token";

    /// <summary>The pipeline of account-management calls.</summary>
    public const string AccountPipeline = "boosted-account";

    /// <summary>
    /// Makes a new body for each retry of a request that carries it: a token exchange signs a new assertion, so a retry
    /// after a lost answer is not a replayed <c>jti</c>.
    /// </summary>
    public static readonly HttpRequestOptionsKey<Func<CancellationToken, Task<HttpContent>>> ContentForRetry = new("BoostedGrains.ContentForRetry");

    /// <summary>
    /// Concurrency limit, total timeout, retries (jittered exponential backoff, <c>Retry-After</c> on 429), the
    /// silo-wide <c>Retry-After</c> gate, circuit breaker and attempt timeout, outermost first.
    /// </summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, BoostedOptions options, int maxConcurrency)
    {
        // Outermost, so a call keeps its slot through its retries: the bound is on the work this silo puts on Boosted,
        // and a full queue fails fast instead of piling callers up during an outage.
        builder.AddConcurrencyLimiter(maxConcurrency, options.MaxQueuedRequests);
        builder.AddTimeout(options.TotalRequestTimeout);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                // Replaced by the generator below, which keeps the jittered backoff when there is no Retry-After.
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, options.TotalRequestTimeout)),
                OnRetry = async args =>
                {
                    if (args.Context.GetRequestMessage() is { } request && request.Options.TryGetValue(ContentForRetry, out var content))
                    {
                        var previous = request.Content;
                        request.Content = await content(args.Context.CancellationToken);
                        previous?.Dispose();
                    }
                },
            });
        }
        // Inside the retries, so every attempt is held back until a Retry-After named by any call has passed.
        builder.AddStrategy(_ => new RetryAfterGate(TimeProvider.System, options.TotalRequestTimeout), new RetryAfterGateOptions());
        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakDuration,
        });
        builder.AddTimeout(options.RequestTimeout);
    }

    /// <summary>How long the response asks us to wait (<c>Retry-After</c> as seconds or a date), or null.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return delay is { } d ? (d < TimeSpan.Zero ? TimeSpan.Zero : d) : null;
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan totalTimeout)
    {
        if (!HttpClientResiliencePredicates.IsTransient(outcome))
            return false;
        // A wait longer than the whole call may last would only end in a timeout: fail now and pass Retry-After on.
        return outcome.Result is not { StatusCode: HttpStatusCode.TooManyRequests } response
            || RetryAfter(response) is not { } wait
            || wait < totalTimeout;
    }
}
