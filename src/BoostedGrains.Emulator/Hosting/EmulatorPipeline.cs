using System.Diagnostics;
using BoostedGrains.Emulator.Faults;
using BoostedGrains.Emulator.Stats;

namespace BoostedGrains.Emulator.Hosting;

/// <summary>Wraps every emulator endpoint: injects faults, counts, logs one line and turns unexpected errors into a 500.</summary>
internal sealed partial class EmulatorPipeline(FaultState faults, StatsCounters stats, EmulatorClock clock, ILogger<EmulatorPipeline> logger)
{
    public RequestDelegate Wrap(RequestKind kind, Func<HttpContext, Task> handler) => ctx => RunAsync(ctx, kind, handler);

    private async Task RunAsync(HttpContext ctx, RequestKind kind, Func<HttpContext, Task> handler)
    {
        var started = Stopwatch.GetTimestamp();
        var entered = false;
        if (kind == RequestKind.Token)
        {
            stats.TokenRequestStarted();
            entered = faults.TryEnter();
        }

        try
        {
            if (kind == RequestKind.Token && !entered)
            {
                // Over the concurrency cap: refused at once, as a limiter in front of Boosted would.
                await RateLimitedAsync(ctx, 1);
            }
            else if (kind == RequestKind.Admin || !await InjectFaultAsync(ctx, kind))
            {
                await handler(ctx);
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception ex) when (!ctx.Response.HasStarted)
        {
            LogUnhandled(logger, ex, ctx.Request.Method, ctx.Request.Path.Value);
            await Responses.FailureAsync(ctx, StatusCodes.Status500InternalServerError, "internal emulator error");
        }
        finally
        {
            if (kind == RequestKind.Token)
            {
                stats.TokenRequestEnded();
                if (entered)
                {
                    faults.Exit();
                }
            }
        }

        var status = ctx.Response.StatusCode;
        if (kind != RequestKind.Admin)
        {
            Count(ctx, status);
        }

        // Only method, path and status: never the query, headers or body, which may carry tokens and secrets.
        LogRequest(logger, ctx.Request.Method, ctx.Request.Path.Value, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string? path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} {Status} {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string? path, int status, double elapsedMs);

    /// <summary>Applies latency, outage, rate limit and error rate; returns true when a fault already answered.</summary>
    private async Task<bool> InjectFaultAsync(HttpContext ctx, RequestKind kind)
    {
        var latency = faults.Latency;
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, clock.Time, ctx.RequestAborted);
        }

        if (faults.Outage && kind is RequestKind.Token or RequestKind.Accounts)
        {
            await UnavailableAsync(ctx, kind, "the emulator simulates an outage");
            return true;
        }

        if (kind != RequestKind.Token)
        {
            return false;
        }

        if (faults.TryAcquire() is { } retryAfter)
        {
            await RateLimitedAsync(ctx, retryAfter);
            return true;
        }

        if (faults.ShouldFail())
        {
            await UnavailableAsync(ctx, kind, "the emulator simulates a transient failure");
            return true;
        }

        return false;
    }

    private Task RateLimitedAsync(HttpContext ctx, int retryAfterSeconds)
    {
        if (faults.SendRetryAfter)
        {
            ctx.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Responses.OAuthErrorAsync(ctx, StatusCodes.Status429TooManyRequests, "rate_limited", "too many token requests; retry later");
    }

    private static Task UnavailableAsync(HttpContext ctx, RequestKind kind, string message) => kind == RequestKind.Token
        ? Responses.WriteJsonAsync(ctx, StatusCodes.Status503ServiceUnavailable, new System.Text.Json.Nodes.JsonObject
        {
            ["error"] = "temporarily_unavailable",
            ["error_description"] = message,
        })
        : Responses.FailureAsync(ctx, StatusCodes.Status503ServiceUnavailable, message);

    private void Count(HttpContext ctx, int status)
    {
        if (status == StatusCodes.Status409Conflict)
        {
            stats.Conflict();
        }

        if (status >= 400)
        {
            // 5xx has no OAuth code in the spec's table, so it is counted by status even on the token endpoint.
            var key = status < 500 && ctx.Items[Responses.ErrorCodeItem] is string code ? code : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            stats.Failure(key);
        }
    }
}
