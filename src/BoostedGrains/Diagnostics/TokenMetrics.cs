using System.Diagnostics.Metrics;

namespace BoostedGrains.Diagnostics;

/// <summary>The token grains' OpenTelemetry-compatible instruments (meter <c>BoostedGrains</c>). Tags never carry tokens or user IDs.</summary>
public sealed class TokenMetrics
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "BoostedGrains";

    private readonly Counter<long> _served;
    private readonly Counter<long> _renewedAhead;

    public TokenMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _served = meter.CreateCounter<long>("boostedgrains.tokens.served", description: "Tokens handed to callers, by whether the caller waited for an exchange (kind=user|management, outcome=hit|waited).");
        _renewedAhead = meter.CreateCounter<long>("boostedgrains.tokens.renewed_ahead", description: "Renewals started before the current token expired.");
    }

    /// <summary>A caller got a <paramref name="kind"/> token (user or management); <paramref name="waited"/> when it waited for an exchange.</summary>
    public void Served(string kind, bool waited) =>
        _served.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", waited ? "waited" : "hit"));

    /// <summary>A renewal of a <paramref name="kind"/> token started while the current one was still valid.</summary>
    public void RenewedAhead(string kind) => _renewedAhead.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
