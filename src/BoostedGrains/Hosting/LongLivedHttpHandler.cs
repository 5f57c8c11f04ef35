namespace Microsoft.Extensions.DependencyInjection;

/// <summary>How every HTTP client of a silo holds its connections.</summary>
public static class LongLivedHttpHandler
{
    // How long a pooled connection lives, so that a change of the server's DNS records is picked up.
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Keeps the client's handler for good and recycles its pooled connections instead. The factory's handler rotation
    /// would do nothing for a client a singleton holds, and each rotation's timer keeps the silo's whole service
    /// provider reachable for minutes after the silo is disposed.
    /// </summary>
    public static IHttpClientBuilder UseLongLivedHandler(this IHttpClientBuilder client) => client
        .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = ConnectionLifetime)
        .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
}
