using Microsoft.Extensions.Configuration;

namespace BoostedGrains.Client;

/// <summary>How the token handler of one named <c>HttpClient</c> behaves.</summary>
public sealed class BoostedUserTokenOptions
{
    /// <summary>Boosted's sandbox API host, always among the default hosts.</summary>
    public const string SandboxHost = "sandbox.api.boosted.ai";

    /// <summary>
    /// Methods retried once with the renewed token after a 401 (default: the idempotent ones). Others are not resent,
    /// but their rejected token is still reported, so the next request carries a new one. A retried request's content
    /// must be re-readable (string, bytes, form).
    /// </summary>
    public ISet<HttpMethod> RetryMethods { get; } = new HashSet<HttpMethod>
    {
        HttpMethod.Get, HttpMethod.Head, HttpMethod.Options, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Trace,
    };

    /// <summary>
    /// The hosts a user's token may be sent to. Empty (the default): Boosted's API hosts, that is the host of the app
    /// server's <c>Boosted__BaseUrl</c> setting and <see cref="SandboxHost"/>. A request to any other host is not sent:
    /// it fails with <see cref="BoostedHostNotAllowedException"/>.
    /// </summary>
    public ISet<string> AllowedHosts { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The hosts in effect: <see cref="AllowedHosts"/>, or Boosted's API hosts read from <paramref name="configuration"/>.</summary>
    public IReadOnlySet<string> EffectiveAllowedHosts(IConfiguration? configuration)
    {
        if (AllowedHosts.Count > 0)
            return new HashSet<string>(AllowedHosts, StringComparer.OrdinalIgnoreCase);
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { SandboxHost };
        if (Uri.TryCreate(configuration?["Boosted:BaseUrl"], UriKind.Absolute, out var baseUrl))
            hosts.Add(baseUrl.Host);
        return hosts;
    }
}
