using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;
using Polly.RateLimiting;

namespace BoostedGrains.Boosted;

/// <summary>The resilience pipeline every call to Boosted goes through (docs/design.md rule 7).</summary>
internal static partial class BoostedResilience
{
    /// <summary>The pipeline of token exchanges.</summary>
    public const string TokenPipeline = "boosted-token";

    /// <summary>The pipeline of account-management calls.</summary>
    public const string AccountPipeline = "boosted-account";

    /// <summary>
    /// Makes the body of each attempt, inside the pipeline (see <see cref="AttemptContentHandler"/>): a token exchange
    /// signs its assertion only once the attempt holds its slot and its turn, so a long queue never sends a stale
    /// assertion, and a retry after a lost answer is not a replayed <c>jti</c>.
    /// </summary>
    public static readonly HttpRequestOptionsKey<Func<CancellationToken, ValueTask<HttpContent>>> AttemptContent = new("BoostedGrains.AttemptContent");

    /// <summary>
    /// Concurrency limit (with a bounded queue wait), total timeout, retries (jittered exponential backoff,
    /// <c>Retry-After</c> on 429), the silo-wide <c>Retry-After</c> gate, the adaptive rate, circuit breaker and attempt
    /// timeout, outermost first.
    /// </summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context,
        Func<BoostedOptions, int> maxConcurrency, AdaptiveRate rate)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<BoostedOptions>>().Value;
        var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
        // Timeouts, backoff and the breaker's clock follow the silo's TimeProvider, as the gate and the rate do.
        builder.TimeProvider = time;
        // Outermost, so a call keeps its slot through its retries: the bound is on the work this silo puts on Boosted,
        // and a full queue, or a wait past Boosted__MaxQueueWait, fails fast instead of piling callers up.
        var slots = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = maxConcurrency(options),
            QueueLimit = options.MaxQueuedRequests,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        context.OnPipelineDisposed(slots.Dispose);
        builder.AddRateLimiter(new RateLimiterStrategyOptions
        {
            RateLimiter = args => AcquireSlotAsync(slots, options.MaxQueueWait, args.Context.CancellationToken),
        });
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
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time)),
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, options.TotalRequestTimeout, time)),
            });
        }
        // Inside the retries, so every attempt is paced and held back until a Retry-After named by any call has passed;
        // outside the breaker, which then sees paced attempts and no waiting.
        var gate = new RetryAfterGate(time, options);
        builder.AddStrategy(_ => new AdaptiveRateStrategy(rate, gate, time), new AdaptiveRateStrategyOptions());
        var circuit = new CircuitLog(context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BoostedResilience).FullName!),
            context.BuilderName, options.BreakDuration);
        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            OnOpened = args => circuit.Opened(args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : args.Outcome.Exception?.GetType().Name),
            OnClosed = _ => circuit.Closed(),
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakDuration,
            // A 429 is Boosted working and asking us to slow down (the gate and the rate answer it), not a failure.
            ShouldHandle = args => ValueTask.FromResult(
                HttpClientResiliencePredicates.IsTransient(args.Outcome) && args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests),
        });
        builder.AddTimeout(options.RequestTimeout);
    }

    /// <summary>
    /// Polly logs every resilience event of a pipeline (each retry, each failed attempt, each half-open probe): during an
    /// outage, hundreds of lines a silo. Boosted's pipelines report at Debug instead; <see cref="CircuitLog"/> says what an
    /// operator needs, once per change.
    /// </summary>
    public static void QuietEvents(TelemetryOptions telemetry)
    {
        var previous = telemetry.SeverityProvider;
        telemetry.SeverityProvider = args =>
            args.Source.PipelineName is { } name && (name.EndsWith(TokenPipeline, StringComparison.Ordinal) || name.EndsWith(AccountPipeline, StringComparison.Ordinal))
                ? ResilienceEventSeverity.Debug
                : previous?.Invoke(args) ?? args.Event.Severity;
    }

    /// <summary>How long the response asks us to wait (<c>Retry-After</c> as seconds, or a date read on <paramref name="time"/>), or null.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        return delay is { } d ? (d < TimeSpan.Zero ? TimeSpan.Zero : d) : null;
    }

    private static async ValueTask<RateLimitLease> AcquireSlotAsync(RateLimiter slots, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        using var waited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waited.CancelAfter(maxWait);
        try
        {
            return await slots.AcquireAsync(1, waited.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return QueueWaitExceeded.Lease;
        }
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan totalTimeout, TimeProvider time)
    {
        if (!HttpClientResiliencePredicates.IsTransient(outcome))
            return false;
        // A wait longer than the whole call may last would only end in a timeout: fail now and pass Retry-After on.
        return outcome.Result is not { StatusCode: HttpStatusCode.TooManyRequests } response
            || RetryAfter(response, time) is not { } wait
            || wait < totalTimeout;
    }

    // One warning when the circuit opens after being closed, one when it closes: a break that ends in a failed probe
    // opens it again without a line, so an outage reads as two lines per pipeline, whatever its length.
    private sealed partial class CircuitLog(ILogger logger, string pipeline, TimeSpan breakDuration)
    {
        private int _open;

        public ValueTask Opened(string? cause)
        {
            if (Interlocked.Exchange(ref _open, 1) == 0)
                LogOpened(logger, pipeline, cause ?? "unknown", breakDuration);
            return ValueTask.CompletedTask;
        }

        public ValueTask Closed()
        {
            if (Interlocked.Exchange(ref _open, 0) == 1)
                LogClosed(logger, pipeline);
            return ValueTask.CompletedTask;
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "The circuit to Boosted ({Pipeline}) opened (last failure: {Cause}): calls fail fast, and one probe is let through every {BreakDuration} until Boosted answers")]
        private static partial void LogOpened(ILogger logger, string pipeline, string cause, TimeSpan breakDuration);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The circuit to Boosted ({Pipeline}) closed: Boosted answers again")]
        private static partial void LogClosed(ILogger logger, string pipeline);
    }

    // A refused lease: Polly turns it into RateLimiterRejectedException, which BoostedHttp makes a typed error.
    private sealed class QueueWaitExceeded : RateLimitLease
    {
        public static readonly QueueWaitExceeded Lease = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
