using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BoostedGrains.Silo.Admin;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Gateway;

/// <summary>Wrong keys are throttled per client address: past the budget, every request from it gets 429, right key or wrong.</summary>
public sealed class FailedKeyAttemptsTests : IAsyncLifetime
{
    // Below the default (20 at once, 10 a minute back) so that the test meets it in a few requests.
    private const int Limit = 3;

    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        LogCapture.Suite.AddSecret(_key);
        Uri url;
        (_app, url) = await SiloHostFixture.StartSiloAsync("failedkeys",
        [
            $"--Gateway:ApiKeys:app={_key}",
            $"--Gateway:FailedKeyAttempts:Limit={Limit}",
            "--Gateway:FailedKeyAttempts:PerMinute=1",
        ], builder => builder.Logging.AddProvider(LogCapture.Suite));
        _http = new HttpClient { BaseAddress = url };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _http.SendAsync(request);
    }

    [Fact]
    public async Task Past_its_wrong_keys_an_address_gets_429_with_retry_after_even_with_the_right_key_on_both_APIs()
    {
        for (var i = 0; i < Limit; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Post, "/v1/users/guess/token", $"guess-{i}")).StatusCode);

        using var wrong = await SendAsync(HttpMethod.Post, "/v1/users/guess/token", "guess-more");
        using var right = await SendAsync(HttpMethod.Post, "/v1/users/guess/token", _key);
        using var admin = await SendAsync(HttpMethod.Get, "/admin/keys", AdminOptions.DevelopmentApiKey);

        foreach (var refused in new[] { wrong, right, admin })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("too_many_failed_keys", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
            // One wrong key comes back a minute (PerMinute=1): the limiter's own wait, at most the period.
            Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single()), 1, 60);
        }
    }

    [Fact]
    public async Task Right_keys_spend_nothing_of_the_wrong_key_budget()
    {
        for (var i = 0; i < Limit + 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/v1/users/honest/token", _key)).StatusCode);
        for (var i = 0; i < Limit; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Post, "/v1/users/honest/token", $"typo-{i}")).StatusCode);
    }
}
