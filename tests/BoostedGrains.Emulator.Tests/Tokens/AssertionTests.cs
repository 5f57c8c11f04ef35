using System.Net;
using BoostedGrains.Emulator.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;
using static BoostedGrains.Emulator.Tests.Infrastructure.EmulatorHarness;

namespace BoostedGrains.Emulator.Tests.Tokens;

/// <summary>Every assertion fault of docs/boosted-api.md §3's invalid_grant row, each against an otherwise valid assertion.</summary>
public sealed class AssertionTests : IAsyncLifetime
{
    private EmulatorHarness _h = null!;

    public static TheoryData<string> Faults => new()
    {
        "alg HS256", "alg none", "alg RS384", "typ at+jwt", "typ missing", "kid missing", "kid unknown", "bad signature",
        "ES256 header on an RSA key", "iss wrong", "iss missing", "aud wrong", "aud array without audience", "aud missing",
        "iat missing", "exp missing", "jti missing", "sub missing", "iat as string", "expired beyond skew", "iat in the future",
        "nbf in the future", "nbf as string", "lifetime over 300 s", "exp before iat", "sub unknown user",
    };

    public async Task InitializeAsync() => _h = await EmulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Each_assertion_fault_is_invalid_grant(string fault)
    {
        var a = _h.NewAssertion(ClientA);
        var now = _h.Now.ToUnixTimeSeconds();
        switch (fault)
        {
            case "alg HS256":
                a.Header["alg"] = "HS256";
                a.SigningKey = new SymmetricSecurityKey(new byte[32]);
                break;
            case "alg none":
                a.Header["alg"] = "none";
                a.SigningKey = null;
                break;
            case "alg RS384": a.Header["alg"] = "RS384"; break;
            case "typ at+jwt": a.Header["typ"] = "at+jwt"; break;
            case "typ missing": a.Header.Remove("typ"); break;
            case "kid missing": a.Header.Remove("kid"); break;
            case "kid unknown": a.Header["kid"] = "never-published"; break;
            case "bad signature": a.SigningKey = TestKey.RsaB.SigningKey; break;
            case "ES256 header on an RSA key":
                a.Header["alg"] = "ES256";
                a.SigningKey = TestKey.EcA.SigningKey;
                break;
            case "iss wrong": a.Claims["iss"] = ClientB; break;
            case "iss missing": a.Claims.Remove("iss"); break;
            case "aud wrong": a.Claims["aud"] = "https://sandbox.api.boosted.ai/oauth2/token"; break;
            case "aud array without audience": a.Claims["aud"] = new[] { "x", "y" }; break;
            case "aud missing": a.Claims.Remove("aud"); break;
            case "iat missing": a.Claims.Remove("iat"); break;
            case "exp missing": a.Claims.Remove("exp"); break;
            case "jti missing": a.Claims.Remove("jti"); break;
            case "sub missing": a.Claims.Remove("sub"); break;
            case "iat as string": a.Claims["iat"] = now.ToString(System.Globalization.CultureInfo.InvariantCulture); break;
            case "expired beyond skew":
                a.Claims["iat"] = now - 200;
                a.Claims["exp"] = now - 61;
                break;
            case "iat in the future":
                a.Claims["iat"] = now + 61;
                a.Claims["exp"] = now + 181;
                break;
            case "nbf in the future": a.Claims["nbf"] = now + 61; break;
            case "nbf as string": a.Claims["nbf"] = "soon"; break;
            case "lifetime over 300 s": a.Claims["exp"] = now + 301; break;
            case "exp before iat": a.Claims["exp"] = now - 1; break;
            case "sub unknown user": a.Claims["sub"] = Guid.NewGuid().ToString(); break;
            default: throw new ArgumentOutOfRangeException(nameof(fault));
        }

        using var response = await _h.ExchangeAsync(a.Sign());

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Equal(1, _h.Emulator.GetStats().Failures["invalid_grant"]);
    }

    [Theory]
    [InlineData("exp 59 s ago (within skew)", -120, -59, null)]
    [InlineData("iat 59 s ahead (within skew)", 59, 179, null)]
    [InlineData("nbf 60 s ahead (within skew)", 0, 120, 60)]
    [InlineData("lifetime exactly 300 s", 0, 300, null)]
    public async Task Edges_within_the_rules_pass(string name, int iatOffset, int expOffset, int? nbfOffset)
    {
        var a = _h.NewAssertion(ClientA);
        var now = _h.Now.ToUnixTimeSeconds();
        a.Claims["iat"] = now + iatOffset;
        a.Claims["exp"] = now + expOffset;
        if (nbfOffset is { } nbf)
        {
            a.Claims["nbf"] = now + nbf;
        }

        using var response = await _h.ExchangeAsync(a.Sign());

        Assert.True(response.StatusCode == HttpStatusCode.OK, name);
    }

    [Fact]
    public async Task Aud_may_be_an_array_that_holds_the_audience()
    {
        var a = _h.NewAssertion(ClientA);
        a.Claims["aud"] = new[] { "https://other.example", _h.Audience };

        using var response = await _h.ExchangeAsync(a.Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_replayed_jti_is_invalid_grant_until_exp_plus_60_s()
    {
        var first = _h.NewAssertion(ClientA);
        var jti = (string)first.Claims["jti"]!;
        using var accepted = await _h.ExchangeAsync(first.Sign());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        using var replay = await _h.ExchangeAsync(first.Sign());
        await AssertErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant");

        // A new JWT reusing the jti is still a replay while the first one could be accepted (exp + 60 s = now + 180 s).
        _h.Time!.Advance(TimeSpan.FromSeconds(179));
        var reuse = _h.NewAssertion(ClientA);
        reuse.Claims["jti"] = jti;
        using var stillReplay = await _h.ExchangeAsync(reuse.Sign());
        await AssertErrorAsync(stillReplay, HttpStatusCode.BadRequest, "invalid_grant");

        _h.Time.Advance(TimeSpan.FromSeconds(1));
        var later = _h.NewAssertion(ClientA);
        later.Claims["jti"] = jti;
        using var afterWindow = await _h.ExchangeAsync(later.Sign());
        Assert.Equal(HttpStatusCode.OK, afterWindow.StatusCode);
    }

    [Fact]
    public async Task Concurrent_exchanges_of_one_assertion_succeed_exactly_once()
    {
        var signed = _h.NewAssertion(ClientA).Sign();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _h.ExchangeAsync(signed)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest));
        Assert.Equal(7, _h.Emulator.GetStats().Failures["invalid_grant"]);
    }

    [Fact]
    public async Task An_assertion_signed_with_another_partners_key_fails()
    {
        // Partner B's key under partner A's client: A's JWKS does not hold it.
        using var response = await _h.ExchangeAsync(_h.NewAssertion(ClientA, ClientA, TestKey.EcB).Sign());

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }
}
