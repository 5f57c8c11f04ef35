using System.Diagnostics.Metrics;
using BoostedGrains.Keys;

namespace BoostedGrains.Diagnostics;

/// <summary>
/// Observable gauges of this silo's copy of the key ring (meter <c>BoostedGrains</c>): how old the copy is, the age of
/// the key it signs with, how many keys its JWKS publishes, and how many of those the public URL did not serve. Read from
/// <see cref="SigningKeyCache"/> and <see cref="PublicUrlVerifier"/>, so observing never calls a grain.
/// </summary>
public sealed class KeyRingMetrics
{
    public KeyRingMetrics(IMeterFactory meters, SigningKeyCache keys, PublicUrlVerifier publicUrl, TimeProvider time)
    {
        var meter = meters.Create(BoostedGrainsMetrics.MeterName);
        meter.CreateObservableGauge("boostedgrains.keyring.active_key_age",
            () => keys.SigningKeyCreatedAt is { } created ? [new Measurement<double>((time.GetUtcNow() - created).TotalSeconds)] : Array.Empty<Measurement<double>>(),
            unit: "s", description: "Age of the key this silo signs assertions with; absent while it has none.");
        meter.CreateObservableGauge("boostedgrains.keyring.copy_age",
            () => keys.SinceLoaded is { } age ? [new Measurement<double>(age.TotalSeconds)] : Array.Empty<Measurement<double>>(),
            unit: "s", description: "Time since this silo last read the key ring; past 5 refresh intervals the silo reports not ready.");
        meter.CreateObservableGauge("boostedgrains.keyring.keys_published",
            () => keys.Jwks is { } jwks ? [new Measurement<int>(jwks.KeyIds.Count)] : Array.Empty<Measurement<int>>(),
            description: "Keys this silo's JWKS publishes.");
        meter.CreateObservableGauge("boostedgrains.keyring.keys_unseen_publicly",
            () => publicUrl.UnseenKeyCount is { } unseen ? [new Measurement<int>(unseen)] : Array.Empty<Measurement<int>>(),
            description: "Keys this silo's JWKS publishes that the latest look at Jwks__PublicUrl did not find there; absent while it is not watched.");
    }
}
