using System.Net;
using BoostedGrains.Emulator.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static BoostedGrains.Emulator.Tests.Infrastructure.EmulatorHarness;

namespace BoostedGrains.Emulator.Tests.Hosting;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task The_documented_setting_names_bind_and_a_host_serves_the_emulator()
    {
        await using var jwks = await JwksServer.StartAsync(TestKey.RsaA);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Emulator:Partners:0:ClientId"] = ClientA,
            ["Emulator:Partners:0:ClientSecret"] = SecretA,
            ["Emulator:Partners:0:JwksUri"] = jwks.Uri.ToString(),
            ["Emulator:TokenLifetimeSeconds"] = "1200",
            ["Emulator:JwksCacheSeconds"] = "60",
            ["Emulator:SubjectClaim"] = "ExternalUserId",
            ["Emulator:ExtraUserScopes"] = "files",
            ["Emulator:Faults:LatencyMs"] = "5",
            ["Emulator:Faults:ErrorRate"] = "0",
            ["Emulator:Faults:RateLimitPerSecond"] = "100",
            ["Emulator:Faults:Outage"] = "false",
        });
        builder.Services.AddBoostedEmulator(builder.Configuration.GetSection("Emulator"));
        await using var app = builder.Build();
        app.MapBoostedEmulator();
        await app.StartAsync();

        var options = app.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value;
        Assert.Equal((1200, 60, EmulatorSubjectClaim.ExternalUserId, "files"), (options.TokenLifetimeSeconds, options.JwksCacheSeconds, options.SubjectClaim, options.ExtraUserScopes));
        Assert.Equal((5, 100.0, "thread account-management analytics", (string?)null),
            (options.Faults.LatencyMs, options.Faults.RateLimitPerSecond, options.Partners[0].AllowedScopes, options.Partners[0].Audience));

        var baseUrl = app.Urls.Single() + "/";
        var assertion = Assertion.Valid(TestKey.RsaA, ClientA, ClientA, baseUrl + "oauth2/token", DateTimeOffset.UtcNow).Sign();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using var response = await http.PostAsync("oauth2/token", new FormUrlEncodedContent(
        [
            new("grant_type", Grant), new("subject_token", assertion), new("subject_token_type", JwtType),
            new("client_id", ClientA), new("client_secret", SecretA),
        ]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1200, (int)(await JsonAsync(response))["expires_in"]!);
        await app.StopAsync();
    }

    [Fact]
    public async Task Invalid_settings_fail_at_start_with_the_setting_named()
    {
        var options = new EmulatorOptions
        {
            Partners = [new EmulatorPartner { ClientId = ClientA, AllowedScopes = "thread billing" }],
            Faults = new EmulatorFaults { ErrorRate = 2 },
        };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => BoostedEmulatorServer.StartAsync(options));

        Assert.Contains("Emulator:Partners:0:ClientSecret is required.", error.Failures);
        Assert.Contains("Emulator:Partners:0:JwksUri is required: the absolute http(s) URL of the partner's JWKS.", error.Failures);
        Assert.Contains("Emulator:Faults:ErrorRate must be between 0 and 1.", error.Failures);
        // "billing" is none of the scopes Boosted documents (thread, account-management, analytics): the fourth failure.
        Assert.Contains(error.Failures, f => f.StartsWith("Emulator:Partners:0:AllowedScopes must list scopes among: ", StringComparison.Ordinal));
        Assert.Equal(4, error.Failures.Count());
    }

    [Fact]
    public async Task With_no_partner_the_emulator_still_starts_and_answers_invalid_client()
    {
        await using var emulator = await BoostedEmulatorServer.StartAsync(new EmulatorOptions());
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };

        using var response = await http.PostAsync("oauth2/token", new FormUrlEncodedContent(
        [
            new("grant_type", Grant), new("subject_token", "a.b.c"), new("subject_token_type", JwtType),
            new("client_id", "anyone"), new("client_secret", "x"),
        ]));

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        Assert.Equal(new Uri(emulator.BaseUrl, "oauth2/token"), emulator.TokenEndpoint);
        Assert.Equal("127.0.0.1", emulator.BaseUrl.Host);
        Assert.NotEqual(0, emulator.BaseUrl.Port);
    }
}
