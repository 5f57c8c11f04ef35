using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using BoostedGrains.Silo.Http;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// Throttles key guessing: each client address may present a few wrong API or admin keys
/// (<c>Gateway__FailedKeyAttempts__*</c>); past that, every request from it, right key or wrong, is answered 429 with
/// <c>Retry-After</c> until the address has budget again. The address is the connection's: behind a reverse proxy, the
/// proxy's.
/// </summary>
/// <remarks>
/// A singleton the container disposes with the silo, not ASP.NET Core's middleware, whose partitioned limiter is never
/// disposed (dotnet/aspnetcore#69061; see <see cref="ApiKeyBudgets"/>).
/// </remarks>
public sealed class FailedKeyAttempts : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<IPAddress>? _limiter;
    private readonly TimeSpan _period;
    private readonly long _quietMilliseconds;
    private long _lastFailure = long.MinValue / 2;

    public FailedKeyAttempts(IOptions<GatewayOptions> gateway)
    {
        var options = gateway.Value.FailedKeyAttempts;
        if (options.Limit <= 0)
            return;
        _period = TimeSpan.FromMinutes(1) / options.PerMinute;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Limit,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = _period,
            QueueLimit = 0,
        };
        // An address whose bucket has been full for this long has no failures left to count.
        _quietMilliseconds = (long)(_period * options.Limit).TotalMilliseconds + 1000;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => bucket));
    }

    /// <summary>The 429 answer when the request's address has used up its wrong keys, or null; asked before the key is checked.</summary>
    public IResult? Blocked(HttpContext http)
    {
        // No wrong key lately: nothing to look up (the partitioned limiter takes a lock per lookup).
        if (_limiter is null || Environment.TickCount64 - Interlocked.Read(ref _lastFailure) > _quietMilliseconds)
            return null;
        return _limiter.GetStatistics(Address(http)) is { CurrentAvailablePermits: <= 0 } ? TooMany(http, null) : null;
    }

    /// <summary>Counts a wrong key from the request's address: <paramref name="refusal"/>, or 429 once the address is over its budget.</summary>
    public IResult Failed(HttpContext http, IResult refusal)
    {
        if (_limiter is null)
            return refusal;
        Interlocked.Exchange(ref _lastFailure, Environment.TickCount64);
        using var lease = _limiter.AttemptAcquire(Address(http));
        return lease.IsAcquired ? refusal : TooMany(http, lease);
    }

    private IResult TooMany(HttpContext http, RateLimitLease? lease)
    {
        // Without a refused lease (an address already over budget), one period: when its next wrong key comes back.
        var wait = lease is not null && lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : _period;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ProblemResponses.Problem(StatusCodes.Status429TooManyRequests, "Too many wrong keys from this address",
            $"This address presented too many wrong keys (Gateway__FailedKeyAttempts__*). Retry after {seconds} s with a valid key.",
            "too_many_failed_keys");
    }

    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d: one address, one budget.
    private static IPAddress Address(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address) : IPAddress.None;

    /// <summary>Stops the limiter's idle-partition timer.</summary>
    public ValueTask DisposeAsync()
    {
        _limiter?.Dispose();
        return ValueTask.CompletedTask;
    }
}
