using System.Diagnostics.Metrics;
using BoostedGrains.Diagnostics;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Boosted;

/// <summary>
/// This silo's adaptive rates toward Boosted, one per budget (token exchanges, account management), and the gauge
/// <c>boostedgrains.boosted.rate</c> that shows them.
/// </summary>
internal sealed class BoostedRates
{
    public BoostedRates(IOptions<BoostedOptions> options, TimeProvider time, IMeterFactory meters)
    {
        Token = new AdaptiveRate(time, options.Value.MaxExchangesPerSecond);
        Account = new AdaptiveRate(time, options.Value.MaxProvisioningPerSecond);
        meters.Create(BoostedGrainsMetrics.MeterName).CreateObservableGauge(
            "boostedgrains.boosted.rate",
            () => new[]
            {
                new Measurement<double>(Token.Rate, new KeyValuePair<string, object?>("api", "token")),
                new Measurement<double>(Account.Rate, new KeyValuePair<string, object?>("api", "account")),
            },
            unit: "{request}/s",
            description: "Requests a second this silo lets go to Boosted now, as adapted to Boosted's 429 answers, by api (token|account).");
    }

    /// <summary>The rate of token exchanges.</summary>
    public AdaptiveRate Token { get; }

    /// <summary>The rate of account-management calls.</summary>
    public AdaptiveRate Account { get; }
}
