using System.Net;
using BoostedGrains.Emulator.Tests.Infrastructure;
using static BoostedGrains.Emulator.Tests.Infrastructure.EmulatorHarness;

namespace BoostedGrains.Emulator.Tests.Tokens;

public sealed class SubjectAndScopeTests
{
    [Fact]
    public async Task A_user_gets_a_thread_token_by_Boosted_user_id_and_never_a_service_scope()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var userId = await h.CreateUserAsync(await h.ManagementTokenAsync(), "u-1");

        using var ok = await h.ExchangeAsync(h.NewAssertion(userId).Sign());
        var body = await JsonAsync(ok);
        Assert.Equal((HttpStatusCode.OK, "thread"), (ok.StatusCode, (string?)body["scope"]));
        Assert.Equal(1, h.Emulator.GetStats().Exchanges[userId]);

        using var management = await h.ExchangeAsync(h.NewAssertion(userId).Sign(), "account-management");
        await AssertErrorAsync(management, HttpStatusCode.BadRequest, "invalid_scope");

        using var external = await h.ExchangeAsync(h.NewAssertion("u-1").Sign());
        await AssertErrorAsync(external, HttpStatusCode.BadRequest, "invalid_grant");

        using var upperCase = await h.ExchangeAsync(h.NewAssertion(userId.ToUpperInvariant()).Sign());
        await AssertErrorAsync(upperCase, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task With_ExternalUserId_the_sub_is_the_partners_user_id()
    {
        await using var h = await EmulatorHarness.StartAsync(o => o.SubjectClaim = EmulatorSubjectClaim.ExternalUserId);
        var userId = await h.CreateUserAsync(await h.ManagementTokenAsync(), "u-ext");

        using var ok = await h.ExchangeAsync(h.NewAssertion("u-ext").Sign());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        using var byBoostedId = await h.ExchangeAsync(h.NewAssertion(userId).Sign());
        await AssertErrorAsync(byBoostedId, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Another_partners_user_is_not_a_subject()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var userOfB = await h.CreateUserAsync(await h.ManagementTokenAsync(ClientB), "u-b");

        using var response = await h.ExchangeAsync(h.NewAssertion(userOfB).Sign());

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData("thread")]
    [InlineData("account-management thread")]
    [InlineData("billing")]
    public async Task The_client_may_not_get_a_user_or_unknown_scope(string scope)
    {
        await using var h = await EmulatorHarness.StartAsync();

        using var response = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign(), scope);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task Scopes_outside_the_partners_allowed_list_are_invalid_scope_even_by_default()
    {
        await using var h = await EmulatorHarness.StartAsync(o => o.Partners[0].AllowedScopes = "thread analytics");

        using var analytics = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign(), "analytics");
        Assert.Equal(HttpStatusCode.OK, analytics.StatusCode);

        using var byDefault = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        await AssertErrorAsync(byDefault, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task ExtraUserScopes_lets_a_user_token_hold_them_where_the_partner_is_allowed_them_and_never_the_client()
    {
        await using var plain = await EmulatorHarness.StartAsync(o => o.Partners[0].AllowedScopes = "thread account-management");
        var plainUser = await plain.CreateUserAsync(await plain.ManagementTokenAsync(), "u-plain");
        using var refusedByDefault = await plain.ExchangeAsync(plain.NewAssertion(plainUser).Sign(), "thread files");
        await AssertErrorAsync(refusedByDefault, HttpStatusCode.BadRequest, "invalid_scope");

        await using var h = await EmulatorHarness.StartAsync(o =>
        {
            o.ExtraUserScopes = "files";
            o.Partners[0].AllowedScopes = "thread files account-management";
            o.Partners[1].AllowedScopes = "thread account-management";
        });
        var userId = await h.CreateUserAsync(await h.ManagementTokenAsync(), "u-files");
        var userOfB = await h.CreateUserAsync(await h.ManagementTokenAsync(ClientB), "u-files-b");

        using var both = await h.ExchangeAsync(h.NewAssertion(userId).Sign(), "thread files");
        using var filesOnly = await h.ExchangeAsync(h.NewAssertion(userId).Sign(), "files");
        using var forClient = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign(), "files");
        using var notAllowedForB = await h.ExchangeAsync(h.NewAssertion(userOfB, ClientB).Sign(), "files", ClientB, SecretB);

        Assert.Equal((HttpStatusCode.OK, "thread files"), (both.StatusCode, (string?)(await JsonAsync(both))["scope"]));
        Assert.Equal((HttpStatusCode.OK, "files"), (filesOnly.StatusCode, (string?)(await JsonAsync(filesOnly))["scope"]));
        await AssertErrorAsync(forClient, HttpStatusCode.BadRequest, "invalid_scope");
        await AssertErrorAsync(notAllowedForB, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Theory]
    [InlineData("analytics")]
    [InlineData("thread")]
    [InlineData("fi\"les")]
    public async Task ExtraUserScopes_naming_a_spec_scope_or_an_invalid_name_fails_at_start(string extra)
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            BoostedEmulatorServer.StartAsync(new EmulatorOptions { ExtraUserScopes = $"files {extra}" }));

        Assert.Equal(
            "Emulator:ExtraUserScopes must list space-delimited scope names other than thread, account-management, analytics (printable ASCII, no quote or backslash).",
            Assert.Single(error.Failures));
    }

    [Fact]
    public async Task A_configured_audience_replaces_the_token_endpoint_url()
    {
        await using var h = await EmulatorHarness.StartAsync(o => o.Partners[0].Audience = "https://boosted.example/aud");

        using var defaultAud = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        await AssertErrorAsync(defaultAud, HttpStatusCode.BadRequest, "invalid_grant");

        var a = h.NewAssertion(ClientA);
        a.Claims["aud"] = "https://boosted.example/aud";
        using var configured = await h.ExchangeAsync(a.Sign());
        Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
    }
}
