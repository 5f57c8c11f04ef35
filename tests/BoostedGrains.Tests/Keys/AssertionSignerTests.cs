using BoostedGrains.Errors;
using System.Text;
using BoostedGrains.Boosted;
using BoostedGrains.Keys;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static BoostedGrains.Tests.Keys.KeyTestKit;

namespace BoostedGrains.Tests.Keys;

public sealed class AssertionSignerTests
{
    private const string ClientId = "partner-client";
    private const string Audience = "https://boosted.test/oauth2/token";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly IPrivateKeyProtector _protector = Protector(NewKek("test"));

    private (SigningKeyCache Cache, AssertionSigner Signer, KeyTimeline Timeline) Build(KeyAlgorithm algorithm)
    {
        var timeline = new KeyTimeline(new KeyRingState(), Options(algorithm));
        Advance(timeline, _protector, _time.GetUtcNow(), algorithm);
        var cache = Cache(_protector);
        cache.Apply(timeline.CreateSnapshot(_time.GetUtcNow()));
        var boosted = new BoostedOptions { BaseUrl = new Uri("https://boosted.test/"), ClientId = ClientId, ClientSecret = "s" };
        return (cache, new AssertionSigner(cache, Wrap(boosted), _time), timeline);
    }

    [Theory]
    [InlineData(KeyAlgorithm.RS256)]
    [InlineData(KeyAlgorithm.ES256)]
    public async Task Assertion_follows_the_spec_and_verifies_against_the_published_jwks(KeyAlgorithm algorithm)
    {
        var (cache, signer, _) = Build(algorithm);

        var first = await signer.CreateAssertionAsync("user-42");
        var second = await signer.CreateAssertionAsync("user-42");

        var keys = new JsonWebKeySet(Encoding.UTF8.GetString(cache.Jwks!.Json.Span)).GetSigningKeys();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(first, new TokenValidationParameters
        {
            ValidIssuer = ClientId,
            ValidAudience = Audience,
            IssuerSigningKeys = keys,
            ValidAlgorithms = [algorithm.ToString()],
            ValidTypes = ["JWT"],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
        });
        Assert.True(result.IsValid, result.Exception?.ToString());

        var token = new JsonWebToken(first);
        Assert.Equal(algorithm.ToString(), token.Alg);
        Assert.Equal("JWT", token.Typ);
        Assert.Equal(cache.GetSigningKey().Kid, token.Kid);
        Assert.Equal(ClientId, token.Issuer);
        Assert.Equal("user-42", token.Subject);
        Assert.Equal([Audience], token.Audiences);
        var iat = token.GetPayloadValue<long>("iat");
        var exp = token.GetPayloadValue<long>("exp");
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), iat);
        Assert.InRange(exp - iat, 1, 300);
        Assert.False(token.TryGetPayloadValue<long>("nbf", out _));
        Assert.True(Guid.TryParse(token.Id, out _));
        Assert.NotEqual(token.Id, new JsonWebToken(second).Id);
    }

    [Fact]
    public async Task Signing_before_the_keys_are_loaded_fails_with_a_typed_error()
    {
        var boosted = new BoostedOptions { BaseUrl = new Uri("https://boosted.test/"), ClientId = ClientId, ClientSecret = "s" };
        var signer = new AssertionSigner(Cache(_protector), Wrap(boosted), _time);

        var error = await Assert.ThrowsAsync<SigningKeyUnavailableException>(() => signer.CreateAssertionAsync("u").AsTask());
        Assert.Contains("not loaded", error.Message);
    }

    [Fact]
    public async Task Signing_with_no_eligible_key_fails_until_the_replacement_has_propagated()
    {
        var (cache, signer, timeline) = Build(KeyAlgorithm.ES256);
        var now = _time.GetUtcNow();
        timeline.Revoke(cache.GetSigningKey().Kid, now);
        Advance(timeline, _protector, now);
        cache.Apply(timeline.CreateSnapshot(now));

        var error = await Assert.ThrowsAsync<SigningKeyUnavailableException>(() => signer.CreateAssertionAsync("u").AsTask());
        Assert.Equal(now + Options().PropagationTime, error.AvailableAt);
        Assert.Contains("KeyRing__PropagationTime", error.Message);
    }

    [Fact]
    public void Cache_reuses_the_decrypted_key_while_the_signer_is_unchanged()
    {
        var (cache, _, timeline) = Build(KeyAlgorithm.ES256);
        var before = cache.GetSigningKey();
        cache.Apply(timeline.CreateSnapshot(_time.GetUtcNow()));

        Assert.Same(before, cache.GetSigningKey());
    }

    [Fact]
    public void Cache_that_cannot_decrypt_publishes_the_new_jwks_but_signs_nothing()
    {
        var (cache, _, timeline) = Build(KeyAlgorithm.ES256);
        var foreign = new KeyTimeline(new KeyRingState(), Options());
        Advance(foreign, Protector(NewKek("other")), _time.GetUtcNow());
        var snapshot = foreign.CreateSnapshot(_time.GetUtcNow());

        Assert.Throws<KeyEncryptionKeyMismatchException>(() => cache.Apply(snapshot));
        Assert.Equal(snapshot.PublishedKeys.Select(k => k.Kid), cache.Jwks!.KeyIds);
        Assert.Contains("KeyRing__Kek", Assert.Throws<SigningKeyUnavailableException>(cache.GetSigningKey).Message);
        Assert.NotEmpty(timeline.State.Keys);
    }
}
