namespace BoostedGrains.Client;

/// <summary>How the token handler of one named <c>HttpClient</c> behaves.</summary>
public sealed class BoostedUserTokenOptions
{
    /// <summary>
    /// Methods retried once with the renewed token after a 401 (default: the idempotent ones). Others are not resent,
    /// but their rejected token is still reported, so the next request carries a new one. A retried request's content
    /// must be re-readable (string, bytes, form).
    /// </summary>
    public ISet<HttpMethod> RetryMethods { get; } = new HashSet<HttpMethod>
    {
        HttpMethod.Get, HttpMethod.Head, HttpMethod.Options, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Trace,
    };
}
