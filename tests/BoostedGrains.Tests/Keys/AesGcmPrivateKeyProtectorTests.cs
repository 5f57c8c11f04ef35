using System.Security.Cryptography;
using BoostedGrains.Keys;
using static BoostedGrains.Tests.Keys.KeyTestKit;

namespace BoostedGrains.Tests.Keys;

public sealed class AesGcmPrivateKeyProtectorTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(1200);

    [Fact]
    public void Roundtrips_with_the_configured_kek()
    {
        var protector = Protector(NewKek("kek-1"));
        var protectedKey = protector.Protect(Secret, "kid-1");

        Assert.Equal("kek-1", protectedKey.KekId);
        Assert.False(protectedKey.Data.AsSpan().IndexOf(Secret.AsSpan(0, 32)) >= 0);
        Assert.Equal(Secret, protector.Unprotect(protectedKey, "kid-1"));
    }

    [Fact]
    public void Wrong_kek_under_the_same_id_fails_with_a_typed_error_naming_the_setting()
    {
        var written = NewKek("kek-1");
        var wrong = NewKek("kek-1");
        var protectedKey = Protector(written).Protect(Secret, "kid-1");

        var error = Assert.Throws<KeyEncryptionKeyMismatchException>(() => Protector(wrong).Unprotect(protectedKey, "kid-1"));
        Assert.Contains("does not match", error.Message);
        Assert.Contains("KeyRing__Kek__Key", error.Message);
        Assert.DoesNotContain(written.Key!, error.Message);
        Assert.DoesNotContain(wrong.Key!, error.Message);
    }

    [Fact]
    public void Unknown_kek_id_fails_with_a_typed_error_naming_the_setting()
    {
        var protectedKey = Protector(NewKek("old")).Protect(Secret, "kid-1");

        var error = Assert.Throws<KeyEncryptionKeyMismatchException>(() => Protector(NewKek("new")).Unprotect(protectedKey, "kid-1"));
        Assert.Contains("'old'", error.Message);
        Assert.Contains("KeyRing__Kek__Id", error.Message);
    }

    [Fact]
    public void A_previous_kek_still_reads_keys_written_before_a_kek_rotation()
    {
        var old = NewKek("old");
        var protectedKey = Protector(old).Protect(Secret, "kid-1");
        var rotated = Protector(NewKek("new"), old);

        Assert.Equal(Secret, rotated.Unprotect(protectedKey, "kid-1"));
        Assert.Equal("new", rotated.Protect(Secret, "kid-2").KekId);
    }

    [Fact]
    public void Ciphertext_is_bound_to_its_kid()
    {
        var protector = Protector(NewKek("kek-1"));
        var protectedKey = protector.Protect(Secret, "kid-1");

        Assert.Throws<KeyEncryptionKeyMismatchException>(() => protector.Unprotect(protectedKey, "kid-2"));
    }

    [Fact]
    public void Without_a_kek_the_process_shares_one_ephemeral_kek()
    {
        var protectedKey = Protector().Protect(Secret, "kid-1");

        Assert.StartsWith("ephemeral-", protectedKey.KekId);
        Assert.Equal(Secret, Protector().Unprotect(protectedKey, "kid-1"));
    }

    [Fact]
    public void Nothing_holding_key_material_prints_it()
    {
        var kek = NewKek("kek-1");
        var protector = Protector(kek);
        var key = NewKey(protector);
        var text = string.Join("|", key.ToString(), key.PrivateKey!.ToString(), kek.ToString(), protector.ToString());

        Assert.DoesNotContain(kek.Key!, text);
        Assert.DoesNotContain(Convert.ToBase64String(key.PrivateKey.Data), text);
    }
}
