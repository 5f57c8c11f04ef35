using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace BoostedGrains.Boosted;

/// <summary>How to reach Boosted and who we are to it (configuration section <c>Boosted</c>).</summary>
public sealed class BoostedOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Boosted";

    /// <summary>
    /// The <c>Boosted</c> section of <paramref name="configuration"/>, for a host whose composition depends on it (whether
    /// Boosted runs in process); it hands the instance to <c>AddBoostedGrains</c>, which then does not bind it again.
    /// </summary>
    public static BoostedOptions Bind(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<BoostedOptions>() ?? new BoostedOptions();

    /// <summary><c>Boosted__BaseUrl</c>: the API host, for example <c>https://sandbox.api.boosted.ai</c>.</summary>
    [Required(ErrorMessage = "Boosted__BaseUrl is not set: give the Boosted API base URL you received at onboarding.")]
    public Uri? BaseUrl { get; set; }

    /// <summary><c>Boosted__TokenEndpoint</c>: defaults to <c>{BaseUrl}/oauth2/token</c>.</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>
    /// <c>Boosted__AllowHttp</c>: allows plain <c>http</c> for <see cref="BaseUrl"/>, <see cref="TokenEndpoint"/> and
    /// <c>Jwks__PublicUrl</c> on hosts other than loopback (default false: https is required). Only for a private network.
    /// </summary>
    public bool AllowHttp { get; set; }

    /// <summary><c>Boosted__Audience</c>: the assertion's <c>aud</c>; defaults to the token endpoint URL.</summary>
    public string? Audience { get; set; }

    /// <summary><c>Boosted__ClientId</c>: the assertion's <c>iss</c>, and <c>sub</c> of management assertions.</summary>
    [Required(ErrorMessage = "Boosted__ClientId is not set: give the client ID Boosted issued to you.")]
    public string? ClientId { get; set; }

    /// <summary><c>Boosted__ClientSecret</c>: sent with every exchange. Never logged.</summary>
    [Required(ErrorMessage = "Boosted__ClientSecret is not set: give the client secret Boosted issued to you.")]
    public string? ClientSecret { get; set; }

    /// <summary><c>Boosted__UserScope</c>: the scope of user tokens.</summary>
    public string UserScope { get; set; } = "thread";

    /// <summary>
    /// <c>Boosted__AllowedUserScopes__0</c>, ...: the scopes callers may ask user tokens for. Unset: the scopes of
    /// <see cref="UserScope"/> (<c>thread</c>). Anything else is refused before it reaches Boosted or a metric.
    /// </summary>
    public List<string> AllowedUserScopes { get; set; } = [];

    /// <summary>
    /// The allowed scopes in effect: <see cref="AllowedUserScopes"/>, or the scopes of <see cref="UserScope"/> when none
    /// are set. Computed once, on first use after binding (every user grain activation reads it).
    /// </summary>
    public IReadOnlySet<string> EffectiveAllowedUserScopes => _effectiveAllowedUserScopes ??=
        (AllowedUserScopes.Count > 0 ? AllowedUserScopes : UserScope.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList())
        .ToHashSet(StringComparer.Ordinal);

    private IReadOnlySet<string>? _effectiveAllowedUserScopes;

    /// <summary><c>Boosted__SubjectClaim</c>: what a user assertion's <c>sub</c> carries.</summary>
    public SubjectClaim SubjectClaim { get; set; } = SubjectClaim.BoostedUserId;

    /// <summary><c>Boosted__DefaultOrganization__ExternalId</c>: the organization new workspaces are created in.</summary>
    public ExternalEntity DefaultOrganization { get; set; } = new() { ExternalId = "default" };

    /// <summary><c>Boosted__DefaultWorkspace__ExternalId</c>: the workspace of users whose profile names none.</summary>
    public ExternalEntity DefaultWorkspace { get; set; } = new() { ExternalId = "default" };

    /// <summary><c>Boosted__RequestTimeout</c>: the longest one HTTP attempt to Boosted may take (default 10 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00", ErrorMessage = "Boosted__RequestTimeout must be between 10 ms and 5 minutes.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>Boosted__TotalRequestTimeout</c>: the longest one call may take with all its retries and waits (default 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Boosted__TotalRequestTimeout must be between 10 ms and 10 minutes.")]
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>Boosted__MaxRetries</c>: retries after a 5xx, 408, 429, timeout or network error (default 3).</summary>
    [Range(0, 10, ErrorMessage = "Boosted__MaxRetries must be between 0 and 10.")]
    public int MaxRetries { get; set; } = 3;

    /// <summary><c>Boosted__RetryBaseDelay</c>: the first backoff delay; later ones grow exponentially with jitter (default 500 ms).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00", ErrorMessage = "Boosted__RetryBaseDelay must be between 1 ms and 1 minute.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>Boosted__BreakerFailureRatio</c>: the share of failed attempts that opens the circuit (default 0.5).</summary>
    [Range(0.01, 1.0, ErrorMessage = "Boosted__BreakerFailureRatio must be between 0.01 and 1.")]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary><c>Boosted__BreakerMinimumThroughput</c>: attempts within the sampling window before the circuit may open (default 5: an outage opens it within a handful of requests).</summary>
    [Range(2, 10_000, ErrorMessage = "Boosted__BreakerMinimumThroughput must be between 2 and 10000.")]
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>
    /// <c>Boosted__BreakerSamplingDuration</c>: the window over which the failure ratio is measured (default 10 s: the
    /// successes of a busy window must be outnumbered by failures before the circuit opens, so a short one opens it sooner).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00", ErrorMessage = "Boosted__BreakerSamplingDuration must be between 0.5 s and 1 hour.")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>Boosted__BreakDuration</c>: how long an open circuit fails calls at once before one call probes Boosted again
    /// (default 3 s: with the token and account circuits each probing, an outage costs Boosted under one request a
    /// second per silo, and a recovered Boosted serves new users within about that time).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00", ErrorMessage = "Boosted__BreakDuration must be between 0.5 s and 1 hour.")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary><c>Boosted__MaxRetryAfter</c>: the longest <c>Retry-After</c> this silo honours; a longer one fails the call at once (default 5 min).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Boosted__MaxRetryAfter must be between 1 s and 1 day.")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary><c>Boosted__MaxQueueWait</c>: the longest a call waits for a free slot before it fails fast (default 20 s, under the 30 s Orleans response timeout).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Boosted__MaxQueueWait must be between 10 ms and 10 minutes.")]
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// <c>Boosted__MaxExchangesPerSecond</c>: an optional hard ceiling on the token requests one silo sends a second. Below
    /// it, the rate adapts to what Boosted accepts (unset: no ceiling).
    /// </summary>
    [Range(0.1, 1_000_000, ErrorMessage = "Boosted__MaxExchangesPerSecond must be between 0.1 and 1000000 (leave it unset for no ceiling).")]
    public double? MaxExchangesPerSecond { get; set; }

    /// <summary><c>Boosted__MaxProvisioningPerSecond</c>: the same ceiling for account-management calls, on their own budget (unset: no ceiling).</summary>
    [Range(0.1, 1_000_000, ErrorMessage = "Boosted__MaxProvisioningPerSecond must be between 0.1 and 1000000 (leave it unset for no ceiling).")]
    public double? MaxProvisioningPerSecond { get; set; }

    /// <summary><c>Boosted__MaxConcurrentExchanges</c>: token exchanges one silo runs at once; more wait in a queue (default 32).</summary>
    [Range(1, 10_000, ErrorMessage = "Boosted__MaxConcurrentExchanges must be between 1 and 10000.")]
    public int MaxConcurrentExchanges { get; set; } = 32;

    /// <summary><c>Boosted__MaxConcurrentProvisioning</c>: account-management calls one silo runs at once (default 16).</summary>
    [Range(1, 10_000, ErrorMessage = "Boosted__MaxConcurrentProvisioning must be between 1 and 10000.")]
    public int MaxConcurrentProvisioning { get; set; } = 16;

    /// <summary><c>Boosted__MaxQueuedRequests</c>: calls that may wait for a free slot per client before failing fast (default 10000: a silo restarted under load holds a storm of that size).</summary>
    [Range(0, 1_000_000, ErrorMessage = "Boosted__MaxQueuedRequests must be between 0 and 1000000.")]
    public int MaxQueuedRequests { get; set; } = 10_000;

    /// <summary><c>Boosted__RefreshAheadFraction</c>: the share of a token's lifetime after which a token in use is renewed (default 0.7).</summary>
    [Range(0.1, 0.95, ErrorMessage = "Boosted__RefreshAheadFraction must be between 0.1 and 0.95.")]
    public double RefreshAheadFraction { get; set; } = 0.7;

    /// <summary><c>Boosted__RefreshAheadJitter</c>: a random share of the lifetime added to the fraction, so tokens renew apart (default 0.15).</summary>
    [Range(0.0, 0.5, ErrorMessage = "Boosted__RefreshAheadJitter must be between 0 and 0.5.")]
    public double RefreshAheadJitter { get; set; } = 0.15;

    /// <summary><c>Boosted__ExpirySafetyMargin</c>: a token this close to expiry is no longer handed out (default 30 s, at most a tenth of the lifetime).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Boosted__ExpirySafetyMargin must be between 0 and 10 minutes.")]
    public TimeSpan ExpirySafetyMargin { get; set; } = TimeSpan.FromSeconds(30);

    // Methods, not properties: the data-annotation check reads every property, and these need a BaseUrl to be set.

    /// <summary>The token endpoint actually used.</summary>
    public Uri ResolveTokenEndpoint() => TokenEndpoint ?? new Uri(ResolveApiBaseAddress(), "oauth2/token");

    /// <summary>The base URL with a trailing slash, so that relative paths keep any path prefix of <see cref="BaseUrl"/>.</summary>
    public Uri ResolveApiBaseAddress() => BaseUrl!.AbsoluteUri.EndsWith('/') ? BaseUrl : new Uri(BaseUrl.AbsoluteUri + "/");

    /// <summary>The audience actually used.</summary>
    public string ResolveAudience() => Audience ?? ResolveTokenEndpoint().ToString();

    /// <summary>An entity named by the partner's external ID.</summary>
    public sealed class ExternalEntity
    {
        /// <summary>The partner's own ID of the entity.</summary>
        public string ExternalId { get; set; } = "default";
    }
}
