using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BoostedGrains.Diagnostics;

/// <summary>
/// The meter <c>BoostedGrains</c> (OpenTelemetry-compatible), which every BoostedGrains instrument belongs to, and its
/// token, exchange, provisioning and Boosted-error instruments (gauges and the admin counter are created by their
/// owners on the same meter: <see cref="KeyRingMetrics"/>, <see cref="AdminAudit"/>, ...). Tags carry only fixed
/// vocabularies (kind, outcome, scope, entity, status): never tokens, assertions, secrets or user IDs.
/// </summary>
public sealed class BoostedGrainsMetrics
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "BoostedGrains";

    private readonly Counter<long> _served;
    private readonly Counter<long> _renewedAhead;
    private readonly Counter<long> _exchanges;
    private readonly Histogram<double> _exchangeDuration;
    private readonly Counter<long> _provisioning;
    private readonly Counter<long> _boostedErrors;

    public BoostedGrainsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _served = meter.CreateCounter<long>("boostedgrains.tokens.served", description: "Tokens handed to callers, by whether the caller waited for an exchange (kind=user|management, outcome=hit|waited).");
        _renewedAhead = meter.CreateCounter<long>("boostedgrains.tokens.renewed_ahead", description: "Renewals started before the current token expired.");
        _exchanges = meter.CreateCounter<long>("boostedgrains.exchanges", description: "Token exchanges with Boosted by outcome (success|refused|unavailable|error) and scope.");
        _exchangeDuration = meter.CreateHistogram<double>("boostedgrains.exchange.duration", unit: "s",
            description: "Time one token exchange took, retries included, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _provisioning = meter.CreateCounter<long>("boostedgrains.provisioning.calls", description: "Ensure calls to Boosted's account management by entity (organization|workspace|user) and outcome (created|adopted|failed).");
        _boostedErrors = meter.CreateCounter<long>("boostedgrains.boosted.errors", description: "Boosted answers of 400 or more, and unanswered attempts, by status (HTTP code, 'timeout' or 'unreachable') and api (token|account).");
    }

    /// <summary>A caller got a <paramref name="kind"/> token (user or management); <paramref name="waited"/> when it waited for an exchange.</summary>
    public void Served(string kind, bool waited) =>
        _served.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", waited ? "waited" : "hit"));

    /// <summary>A renewal of a <paramref name="kind"/> token started while the current one was still valid.</summary>
    public void RenewedAhead(string kind) => _renewedAhead.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>One token exchange ended with <paramref name="outcome"/> after <paramref name="elapsed"/>.</summary>
    public void Exchanged(string scope, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "scope", scope }, { "outcome", outcome } };
        _exchanges.Add(1, tags);
        _exchangeDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>One ensure of an <paramref name="entity"/> in Boosted ended with <paramref name="outcome"/>.</summary>
    public void Provisioned(string entity, string outcome) =>
        _provisioning.Add(1, new KeyValuePair<string, object?>("entity", entity), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Boosted answered an attempt with an error <paramref name="status"/>, or did not answer it.</summary>
    public void BoostedError(string api, string status) =>
        _boostedErrors.Add(1, new KeyValuePair<string, object?>("api", api), new KeyValuePair<string, object?>("status", status));
}
