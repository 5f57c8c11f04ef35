namespace BoostedGrains.Emulator;

/// <summary>How the emulator counts token requests against <see cref="EmulatorFaults.RateLimitPerSecond"/>.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<EmulatorRateLimitShape>))]
public enum EmulatorRateLimitShape
{
    /// <summary>A bucket of <see cref="EmulatorFaults.RateLimitBurst"/> tokens (default one second's worth) refilled continuously.</summary>
    TokenBucket,

    /// <summary>At most the limit in each wall-clock second (a window from one whole second of the UTC clock to the next).</summary>
    FixedWindow,

    /// <summary>At most the limit in any one-second span: a request is refused while the limit's worth were accepted in the second before it.</summary>
    SlidingWindow,
}
