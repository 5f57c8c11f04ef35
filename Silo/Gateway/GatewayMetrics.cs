using System.Diagnostics.Metrics;
using BoostedGrains.Diagnostics;

namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// The token API's instruments on the <c>BoostedGrains</c> meter, by API key name (an operator's setting, never the key):
/// which key fetched tokens, created users, or was refused and why.
/// </summary>
public sealed class GatewayMetrics
{
    private readonly Counter<long> _requests;
    private readonly Counter<long> _usersCreated;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(BoostedGrainsMetrics.MeterName);
        _requests = meter.CreateCounter<long>("boostedgrains.gateway.requests",
            description: "Token API requests that passed the key check, by key (the key's name) and outcome (served, or the problem code of a refusal by the key's scope or budgets).");
        _usersCreated = meter.CreateCounter<long>("boostedgrains.gateway.users_created",
            description: "Users first provisioned in Boosted through the token API, by key (the key's name).");
    }

    /// <summary>A request with the key named <paramref name="key"/> ended with <paramref name="outcome"/>.</summary>
    public void Request(string key, string outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>("key", key), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>The key named <paramref name="key"/> had a new user created.</summary>
    public void UserCreated(string key) => _usersCreated.Add(1, new KeyValuePair<string, object?>("key", key));
}
