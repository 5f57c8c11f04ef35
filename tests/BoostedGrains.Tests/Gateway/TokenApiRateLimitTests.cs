using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Gateway;

/// <summary>Each API key has its own token bucket on the token API: one key over budget gets 429, the others go on.</summary>
public sealed class TokenApiRateLimitTests : IAsyncLifetime
{
    // Far below the default (100,000 a second) so that the test can exhaust one bucket in a few requests; the period is
    // long so that no token comes back while the test runs.
    private const int Budget = 3;

    private readonly string _keyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private readonly string _keyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        LogCapture.Suite.AddSecret(_keyA);
        LogCapture.Suite.AddSecret(_keyB);
        Uri url;
        (_app, url) = await SiloHostFixture.StartSiloAsync("ratelimit",
        [
            $"--Gateway:ApiKeys:app-a={_keyA}",
            $"--Gateway:ApiKeys:app-b={_keyB}",
            $"--Gateway:RateLimit:TokenLimit={Budget}",
            $"--Gateway:RateLimit:TokensPerPeriod={Budget}",
            "--Gateway:RateLimit:ReplenishmentPeriod=00:10:00",
        ], builder => builder.Logging.AddProvider(LogCapture.Suite));
        _http = new HttpClient { BaseAddress = url };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<HttpResponseMessage> TokenAsync(string key, string user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/users/{user}/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _http.SendAsync(request);
    }

    [Fact]
    public async Task A_key_over_its_budget_gets_429_with_retry_after_while_another_key_is_served()
    {
        for (var i = 0; i < Budget; i++)
            Assert.Equal(HttpStatusCode.OK, (await TokenAsync(_keyA, "limited-a")).StatusCode);

        using var limited = await TokenAsync(_keyA, "limited-a");
        using var other = await TokenAsync(_keyB, "limited-b");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        // The limiter's own wait for the next refill (one period, as the bucket is empty), not a fallback figure.
        Assert.Equal("600", limited.Headers.GetValues("Retry-After").Single());
        Assert.Equal("rate_limited", (await limited.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_as_unauthorized_and_spends_no_ones_budget()
    {
        for (var i = 0; i < Budget + 2; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync("not-a-key", "limited-x")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(_keyB, "limited-b")).StatusCode);
    }
}
