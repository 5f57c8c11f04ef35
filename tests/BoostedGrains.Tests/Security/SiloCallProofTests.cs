using BoostedGrains.Keys;
using BoostedGrains.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BoostedGrains.Tests.Security;

/// <summary>The proof that a call comes from a silo: made for one call, under the KEKs a silo holds, for a few minutes.</summary>
public sealed class SiloCallProofTests
{
    private static readonly GrainId Target = GrainId.Create("keyring", "default");
    private static readonly GrainInterfaceType Interface = GrainInterfaceType.Create("IKeyRingGrain");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-07T12:00:00Z"));

    private SiloCallProof Proof(KekOptions current, params KekOptions[] previous) =>
        new(Options.Create(new KeyRingOptions { Kek = current, PreviousKeks = [.. previous] }), _time);

    private static KekOptions Kek(string id) => new() { Id = id, Key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };

    [Fact]
    public void A_proof_verifies_for_the_call_it_was_made_for_only()
    {
        var proof = Proof(Kek("k1"));
        var made = proof.Mint(Target, Interface, "RotateNowAsync");

        Assert.True(proof.Verify(made, Target, Interface, "RotateNowAsync"));
        Assert.False(proof.Verify(made, Target, Interface, "RevokeAsync"));
        Assert.False(proof.Verify(made, GrainId.Create("keyring", "other"), Interface, "RotateNowAsync"));
        Assert.False(proof.Verify(made, Target, GrainInterfaceType.Create("IOther"), "RotateNowAsync"));
    }

    [Fact]
    public void A_proof_under_another_kek_is_refused()
    {
        var made = Proof(Kek("k1")).Mint(Target, Interface, "RotateNowAsync");

        Assert.False(Proof(Kek("k1")).Verify(made, Target, Interface, "RotateNowAsync"));
    }

    // A KEK rotation rolls through the silos: one with the new KEK (and the old as previous) and one with the old only
    // accept each other's proofs.
    [Fact]
    public void Silos_on_either_side_of_a_kek_rotation_accept_each_other()
    {
        var old = Kek("k1");
        var rotated = Proof(Kek("k2"), old);
        var notYet = Proof(old);

        Assert.True(notYet.Verify(rotated.Mint(Target, Interface, "RotateNowAsync"), Target, Interface, "RotateNowAsync"));
        Assert.True(rotated.Verify(notYet.Mint(Target, Interface, "RotateNowAsync"), Target, Interface, "RotateNowAsync"));
    }

    [Fact]
    public void A_proof_is_valid_for_five_minutes_either_way()
    {
        var proof = Proof(Kek("k1"));
        var made = proof.Mint(Target, Interface, "RotateNowAsync");

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(proof.Verify(made, Target, Interface, "RotateNowAsync"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(proof.Verify(made, Target, Interface, "RotateNowAsync"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1796644800")]
    [InlineData("1796644800.not-a-mac")]
    [InlineData("x.AAAA")]
    public void A_made_up_proof_is_refused(string? forged)
    {
        Assert.False(Proof(Kek("k1")).Verify(forged, Target, Interface, "RotateNowAsync"));
    }
}
