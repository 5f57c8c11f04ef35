using System.Security.Cryptography;
using System.Text;
using BoostedGrains.Errors;
using BoostedGrains.Hosting;
using BoostedGrains.Keys;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using static BoostedGrains.Tests.Keys.KeyTestKit;

namespace BoostedGrains.Tests.Keys;

/// <summary>
/// Storage keys are injective under Azure Table's sanitization; data sealed before the KEK's sub-keys still opens; a key
/// ring whose kids or public keys were changed in storage is refused.
/// </summary>
public sealed class RecordProtectionTests
{
    [Fact]
    public void Storage_keys_are_injective_after_Azure_table_sanitization_and_plain_ids_keep_their_key()
    {
        // Every string of up to 4 characters over the characters that matter, sanitized as Orleans' Azure Table storage does.
        char[] alphabet = ['a', '_', '/', '\\', '#', '?', '~', '2', 'F', '\u0001', '\u007f'];
        var keys = new List<string> { "" };
        for (var length = 1; length <= 4; length++)
            keys.AddRange(keys.Where(k => k.Length == length - 1).SelectMany(k => alphabet.Select(c => k + c)).ToList());
        var stored = keys.Select(k => Sanitize(GrainStorage.EncodeKey(k))).ToList();

        Assert.Equal(keys.Count, stored.Distinct(StringComparer.Ordinal).Count());
        Assert.All(stored, s => Assert.DoesNotContain(s, char.IsControl));
        Assert.Equal("alice_smith-01@example.com", GrainStorage.EncodeKey("alice_smith-01@example.com"));
        Assert.Equal("bob~2Fsmith~7E~01", GrainStorage.EncodeKey("bob/smith~\u0001"));
    }

    [Fact]
    public void A_private_key_sealed_under_the_kek_itself_still_opens_and_new_ones_are_sealed_under_a_sub_key()
    {
        var kek = NewKek("kek-1");
        var secret = RandomNumberGenerator.GetBytes(300);
        var legacy = new ProtectedKey
        {
            KekId = "kek-1",
            Data = AesGcmEnvelope.Seal(Convert.FromBase64String(kek.Key!), secret, Encoding.UTF8.GetBytes("kek-1\nkid-1")),
        };
        var protector = Protector(kek);

        Assert.Equal(secret, protector.Unprotect(legacy, "kid-1"));
        var current = protector.Protect(secret, "kid-1");
        Assert.Equal(1, current.Format);
        Assert.Null(AesGcmEnvelope.TryOpen(Convert.FromBase64String(kek.Key!), current.Data, Encoding.UTF8.GetBytes("kek-1\nkid-1")));
        Assert.Equal(secret, protector.Unprotect(current, "kid-1"));
        Assert.Throws<KeyEncryptionKeyMismatchException>(() => protector.Unprotect(current, "kid-2"));
    }

    [Fact]
    public void A_user_token_sealed_under_the_kek_itself_still_opens_for_its_user_only()
    {
        var kek = NewKek("kek-1");
        var expires = Start.AddHours(1);
        var tokenProtector = new UserTokenProtector(Wrap(new KeyRingOptions { Kek = kek }), NullLogger<UserTokenProtector>.Instance);
        var legacy = new StoredToken
        {
            KekId = "kek-1",
            Data = AesGcmEnvelope.Seal(Convert.FromBase64String(kek.Key!), "token-value"u8,
                Encoding.UTF8.GetBytes($"user-token\n5:kek-1\n5:alice\n6:thread\n{expires.UtcTicks}")),
            ExpiresAt = expires,
            ObtainedAt = Start,
            Scope = "thread",
        };

        Assert.Equal("token-value", tokenProtector.TryUnprotect("alice", "thread", legacy)?.Value);
        Assert.Null(tokenProtector.TryUnprotect("alicf", "thread", legacy));
        var current = tokenProtector.Protect("alice", "thread", new AccessToken("token-value", expires, "thread"), Start);
        Assert.Equal(1, current.Format);
        Assert.Equal("token-value", tokenProtector.TryUnprotect("alice", "thread", current)?.Value);
        Assert.Null(tokenProtector.TryUnprotect("bob", "thread", current));
    }

    [Fact]
    public void A_sealed_ring_whose_kid_public_key_or_timeline_changed_is_refused()
    {
        var (binding, protector) = Binding();
        var ring = new KeyRingState { Keys = [NewKey(protector), NewKey(protector, KeyAlgorithm.RS256)], EverPublished = true };
        binding.Seal(ring, "default");
        Assert.False(binding.Check(ring, "default").Unbound);

        var other = NewKey(protector);
        foreach (var change in new Action<KeyRingState>[]
        {
            r => r.Keys[0] = Copy(r.Keys[0], publicKey: other.PublicKey),
            r => r.Keys[1] = Copy(r.Keys[1], kid: other.Kid),
            r => r.Keys[0].RetiresAt = r.Keys[0].RetiresAt.AddDays(30),
            r => r.ImportedKids.Add(r.Keys[0].Kid),
        })
        {
            var changed = Copy(ring);
            change(changed);
            var error = Assert.Throws<StoredStateRefusedException>(() => binding.Check(changed, "default"));
            Assert.StartsWith("The stored state of key ring 'default' fails its integrity check (it was changed outside the silo). Nothing is served from it.", error.Message);
        }
        Assert.Throws<StoredStateRefusedException>(() => binding.Check(ring, "another-ring"));
        // A silo given another key under the same KEK ID is told to check its KEK, not that the ring was changed.
        var otherKek = Assert.Throws<KeyEncryptionKeyMismatchException>(() => Binding().Binding.Check(ring, "default"));
        Assert.Equal("The key ring was sealed with another key than the one configured as KEK 'kek-1': check KeyRing__Kek__Key (and KeyRing__PreviousKeks).", otherKek.Message);
    }

    [Fact]
    public void An_unsealed_ring_is_taken_only_when_each_kid_is_its_thumbprint_and_each_public_key_is_its_private_keys()
    {
        var (binding, protector) = Binding();
        var good = new KeyRingState { Keys = [NewKey(protector), NewKey(protector, KeyAlgorithm.RS256)] };
        Assert.True(binding.Check(good, "default").Unbound);

        // An imported key keeps its own kid, so only its private key can vouch for its public key.
        var imported = good.Keys[0];
        var swappedKey = new KeyRingState { Keys = [Copy(imported, publicKey: Copy(NewKey(protector).PublicKey, imported.Kid))], ImportedKids = [imported.Kid] };
        var error = Assert.Throws<StoredStateRefusedException>(() => binding.Check(swappedKey, "default"));
        Assert.StartsWith($"The stored state of key ring 'default' holds key '{imported.Kid}', whose public key is not its private key's", error.Message);

        var wrongKid = new KeyRingState { Keys = [Copy(good.Keys[0], kid: "not-a-thumbprint", publicKey: Copy(good.Keys[0].PublicKey, "not-a-thumbprint"))] };
        error = Assert.Throws<StoredStateRefusedException>(() => binding.Check(wrongKid, "default"));
        Assert.StartsWith("The stored state of key ring 'default' holds key 'not-a-thumbprint', whose kid is not its public key's thumbprint", error.Message);
    }

    private static (KeyRingStateBinding Binding, AesGcmPrivateKeyProtector Protector) Binding()
    {
        var kek = NewKek("kek-1");
        var protector = Protector(kek);
        var binder = new RecordBinder(Wrap(new KeyRingOptions { Kek = kek }), NullLogger<RecordBinder>.Instance);
        return (new KeyRingStateBinding(binder, protector, NullLogger<KeyRingStateBinding>.Instance), protector);
    }

    private static string Sanitize(string key) => key.Replace('/', '_').Replace('\\', '_').Replace('#', '_').Replace('?', '_');

    private static KeyRingState Copy(KeyRingState ring) => new()
    {
        Keys = [.. ring.Keys.Select(k => Copy(k))],
        EverPublished = ring.EverPublished,
        ImportedKids = [.. ring.ImportedKids],
        SealKekId = ring.SealKekId,
        Seal = ring.Seal,
    };

    private static KeyRecord Copy(KeyRecord key, string? kid = null, PublicJwk? publicKey = null) => new()
    {
        Kid = kid ?? key.Kid,
        Algorithm = key.Algorithm,
        PublicKey = publicKey ?? key.PublicKey,
        PrivateKey = key.PrivateKey,
        CreatedAt = key.CreatedAt,
        EligibleAt = key.EligibleAt,
        RetiresAt = key.RetiresAt,
        RemovesAt = key.RemovesAt,
        RevokedAt = key.RevokedAt,
        PubliclySeenAt = key.PubliclySeenAt,
        PublicRunSince = key.PublicRunSince,
        AwaitsPublicUrl = key.AwaitsPublicUrl,
    };

    private static PublicJwk Copy(PublicJwk key, string kid) => new()
    {
        Kty = key.Kty, Alg = key.Alg, Kid = kid, N = key.N, E = key.E, Crv = key.Crv, X = key.X, Y = key.Y,
    };
}
