using System.Net;
using System.Text;
using BoostedGrains.Emulator.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static BoostedGrains.Emulator.Tests.Infrastructure.EmulatorHarness;

namespace BoostedGrains.Emulator.Tests.Tokens;

public sealed class TokenRequestTests : IAsyncLifetime
{
    private EmulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await EmulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Management_exchange_with_RS256_returns_the_spec_fields()
    {
        using var response = await _h.ExchangeAsync(_h.NewAssertion(ClientA).Sign());
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", (string?)body["token_type"]);
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", (string?)body["issued_token_type"]);
        Assert.Equal(3600, (int)body["expires_in"]!);
        Assert.Equal("account-management", (string?)body["scope"]);
        Assert.Null(body["refresh_token"]);
        var token = (string)body["access_token"]!;
        Assert.Equal(43, token.Length);
        Assert.DoesNotContain('.', token);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Management_exchange_with_ES256_and_both_service_scopes_succeeds()
    {
        using var response = await _h.ExchangeAsync(_h.NewAssertion(ClientB, ClientB).Sign(), "account-management analytics", ClientB);
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("account-management analytics", (string?)body["scope"]);
        Assert.Equal(1, _h.Emulator.GetStats().Exchanges[ClientB]);
    }

    [Fact]
    public async Task An_assertion_made_by_JsonWebTokenHandler_is_accepted()
    {
        var now = _h.Now.UtcDateTime;
        var jwt = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ClientA,
            Audience = _h.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(2),
            Claims = new Dictionary<string, object> { ["sub"] = ClientA, ["jti"] = Guid.NewGuid().ToString() },
            SigningCredentials = new SigningCredentials(TestKey.RsaA.SigningKey, SecurityAlgorithms.RsaSha256),
        });

        using var response = await _h.ExchangeAsync(jwt);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("grant_type")]
    [InlineData("subject_token")]
    [InlineData("subject_token_type")]
    [InlineData("client_id")]
    [InlineData("client_secret")]
    public async Task A_missing_or_empty_required_field_is_invalid_request(string field)
    {
        var fields = ValidFields().Where(f => f.Key != field).ToList();
        using var missing = await _h.PostFormAsync(fields);
        await AssertErrorAsync(missing, HttpStatusCode.BadRequest, "invalid_request");

        fields.Add(new(field, ""));
        using var empty = await _h.PostFormAsync(fields);
        await AssertErrorAsync(empty, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_repeated_field_is_invalid_request()
    {
        using var response = await _h.PostFormAsync(ValidFields().Append(new("client_id", ClientA)));
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("grant_type", "client_credentials")]
    [InlineData("subject_token_type", "urn:ietf:params:oauth:token-type:access_token")]
    public async Task A_wrong_grant_or_token_type_is_invalid_request(string field, string value)
    {
        using var response = await _h.PostFormAsync(ValidFields().Select(f => f.Key == field ? new(field, value) : f));
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task An_unknown_client_or_wrong_secret_is_invalid_client_401()
    {
        using var unknown = await _h.ExchangeAsync(_h.NewAssertion(ClientA).Sign(), client: "nobody", secret: SecretA);
        await AssertErrorAsync(unknown, HttpStatusCode.Unauthorized, "invalid_client");

        using var wrongSecret = await _h.ExchangeAsync(_h.NewAssertion(ClientA).Sign(), secret: SecretB);
        await AssertErrorAsync(wrongSecret, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln")]
    public async Task An_unparseable_jwt_is_invalid_request(string token)
    {
        using var response = await _h.ExchangeAsync(token);
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Checks_run_in_the_spec_order()
    {
        // grant_type before client credentials, client credentials before the JWT, the JWT before scope.
        using var grantFirst = await _h.PostFormAsync(ValidFields().Select(f => f.Key switch
        {
            "grant_type" => new KeyValuePair<string, string>("grant_type", "password"),
            "client_secret" => new("client_secret", "wrong"),
            _ => f,
        }));
        await AssertErrorAsync(grantFirst, HttpStatusCode.BadRequest, "invalid_request");

        using var clientBeforeJwt = await _h.ExchangeAsync("garbage", secret: "wrong");
        await AssertErrorAsync(clientBeforeJwt, HttpStatusCode.Unauthorized, "invalid_client");

        var expired = _h.NewAssertion(ClientA);
        expired.Claims["exp"] = _h.Now.ToUnixTimeSeconds() - 100;
        expired.Claims["iat"] = _h.Now.ToUnixTimeSeconds() - 200;
        using var jwtBeforeScope = await _h.ExchangeAsync(expired.Sign(), "thread");
        await AssertErrorAsync(jwtBeforeScope, HttpStatusCode.BadRequest, "invalid_grant");

        using var subjectBeforeScope = await _h.ExchangeAsync(_h.NewAssertion("no-such-user").Sign(), "analytics");
        await AssertErrorAsync(subjectBeforeScope, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Malformed_and_oversized_bodies_get_400_and_the_emulator_keeps_serving()
    {
        using var json = await _h.Http.PostAsync("oauth2/token", new StringContent("{\"grant_type\":1}", Encoding.UTF8, "application/json"));
        await AssertErrorAsync(json, HttpStatusCode.BadRequest, "invalid_request");

        using var huge = await _h.PostFormAsync(ValidFields().Append(new("padding", new string('x', 100_000))));
        await AssertErrorAsync(huge, HttpStatusCode.BadRequest, "invalid_request");

        using var broken = await _h.Http.PostAsync("oauth2/token", new StringContent("%%%=&&=%zz", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await AssertErrorAsync(broken, HttpStatusCode.BadRequest, "invalid_request");

        using var ok = await _h.ExchangeAsync(_h.NewAssertion(ClientA).Sign());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Access_tokens_expire_after_the_configured_lifetime()
    {
        await using var h = await EmulatorHarness.StartAsync(o => o.TokenLifetimeSeconds = 90);
        using var response = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        var body = await JsonAsync(response);
        Assert.Equal(90, (int)body["expires_in"]!);
        var token = (string)body["access_token"]!;

        h.Time!.Advance(TimeSpan.FromSeconds(89));
        using var valid = await h.SendAsync(HttpMethod.Get, "v2/account-management/organization?external_org_id=x", token);
        Assert.Equal(HttpStatusCode.NotFound, valid.StatusCode);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        using var expired = await h.SendAsync(HttpMethod.Get, "v2/account-management/organization?external_org_id=x", token);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    private List<KeyValuePair<string, string>> ValidFields() =>
    [
        new("grant_type", Grant),
        new("subject_token", _h.NewAssertion(ClientA).Sign()),
        new("subject_token_type", JwtType),
        new("client_id", ClientA),
        new("client_secret", SecretA),
    ];
}
