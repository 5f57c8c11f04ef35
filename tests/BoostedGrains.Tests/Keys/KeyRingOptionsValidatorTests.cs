using BoostedGrains.Keys;

namespace BoostedGrains.Tests.Keys;

public sealed class KeyRingOptionsValidatorTests
{
    private static string? Validate(KeyRingOptions options) => new KeyRingOptionsValidator().Validate(null, options).FailureMessage;

    [Fact]
    public void Defaults_are_valid() => Assert.Null(Validate(new KeyRingOptions()));

    // docs/keys.md: max-age = max(1 s, min(300 s, Propagation/4)), in whole seconds.
    [Theory]
    [InlineData("00:00:03", 1)]
    [InlineData("00:00:08", 2)]
    [InlineData("00:10:00", 150)]
    [InlineData("00:20:00", 300)]
    [InlineData("2.00:00:00", 300)]
    public void The_JWKS_max_age_is_a_quarter_of_the_propagation_time_between_1_s_and_5_minutes(string propagation, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), new KeyRingOptions { PropagationTime = TimeSpan.Parse(propagation, System.Globalization.CultureInfo.InvariantCulture) }.JwksMaxAge);

    [Fact]
    public void Rotation_shorter_than_propagation_is_rejected_naming_the_setting() =>
        Assert.Contains("KeyRing__RotationInterval", Validate(new KeyRingOptions { RotationInterval = TimeSpan.FromDays(1) }));

    [Fact]
    public void Zero_propagation_is_rejected_naming_the_setting() =>
        Assert.Contains("KeyRing__PropagationTime", Validate(new KeyRingOptions { PropagationTime = TimeSpan.Zero }));

    [Fact]
    public void Short_rsa_keys_are_rejected() =>
        Assert.Contains("KeyRing__KeySize", Validate(new KeyRingOptions { KeySize = 1024 }));

    [Fact]
    public void A_kek_must_be_32_bytes_and_is_never_echoed()
    {
        var message = Validate(new KeyRingOptions { Kek = new KekOptions { Id = "k", Key = "c2hvcnQ=" } });
        Assert.Contains("KeyRing__Kek__Key", message);
        Assert.DoesNotContain("c2hvcnQ=", message);
    }

    [Fact]
    public void A_kek_id_without_a_key_is_rejected() =>
        Assert.Contains("KeyRing__Kek__Id", Validate(new KeyRingOptions { Kek = new KekOptions { Id = "k" } }));

    [Fact]
    public void Jwks_max_age_stays_well_below_propagation()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), new KeyRingOptions().JwksMaxAge);
        Assert.Equal(TimeSpan.FromSeconds(5), new KeyRingOptions { PropagationTime = TimeSpan.FromSeconds(20) }.JwksMaxAge);
    }
}
