using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BoostedGrains.Emulator.Tests.Infrastructure;
using static BoostedGrains.Emulator.Tests.Infrastructure.EmulatorHarness;

namespace BoostedGrains.Emulator.Tests.Faults;

public sealed class FaultsTests
{
    [Fact]
    public async Task Error_rate_1_answers_every_token_request_503_and_0_none()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await SetFaultsAsync(h, new JsonObject { ["errorRate"] = 1.0 });
        for (var i = 0; i < 5; i++)
        {
            using var failed = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        await SetFaultsAsync(h, new JsonObject { ["errorRate"] = 0.0 });
        for (var i = 0; i < 5; i++)
        {
            using var ok = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var stats = h.Emulator.GetStats();
        Assert.Equal((5L, 5L, 10L), (stats.Failures["503"], stats.Exchanges[ClientA], stats.TokenRequests));
    }

    [Fact]
    public async Task Outage_fails_token_and_account_management_requests_but_not_threads()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var management = await h.ManagementTokenAsync();
        var user = await h.TokenAsync(await h.CreateUserAsync(management, "o"));

        h.Emulator.SetFaults(new EmulatorFaults { Outage = true });
        using var token = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        using var account = await h.SendAsync(HttpMethod.Get, "v2/account-management/organization?external_org_id=org-o", management);
        using var threads = await h.SendAsync(HttpMethod.Get, "v2/threads", user);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK), (token.StatusCode, account.StatusCode, threads.StatusCode));

        h.Emulator.SetFaults(new EmulatorFaults());
        using var recovered = await h.SendAsync(HttpMethod.Get, "v2/account-management/organization?external_org_id=org-o", management);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Theory]
    [InlineData(2.0, 2, "1")]
    [InlineData(0.25, 1, "4")]
    public async Task Token_requests_above_the_rate_limit_get_429_with_retry_after(double perSecond, int allowed, string retryAfter)
    {
        await using var h = await EmulatorHarness.StartAsync();
        await SetFaultsAsync(h, new JsonObject { ["rateLimitPerSecond"] = perSecond });

        for (var i = 0; i < allowed; i++)
        {
            using var ok = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        await AssertErrorAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(retryAfter, limited.Headers.GetValues("Retry-After").Single());

        h.Time!.Advance(TimeSpan.FromSeconds(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture)));
        using var afterWait = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        Assert.Equal(HttpStatusCode.OK, afterWait.StatusCode);
        Assert.Equal(1, h.Emulator.GetStats().Failures["rate_limited"]);
    }

    [Fact]
    public async Task Latency_delays_requests_and_overlapping_token_requests_are_counted_in_flight()
    {
        await using var h = await EmulatorHarness.StartAsync(fakeTime: false);
        using var warm = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        await SetFaultsAsync(h, new JsonObject { ["latencyMs"] = 400 });

        var watch = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => h.ExchangeAsync(h.NewAssertion(ClientA).Sign())));
        watch.Stop();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.True(watch.ElapsedMilliseconds >= 400, $"answered after {watch.ElapsedMilliseconds} ms");
        var stats = h.Emulator.GetStats();
        Assert.Equal((6L, 7L), (stats.MaxInFlightTokenRequests, stats.TokenRequests));
    }

    [Theory]
    [InlineData("{\"errorRate\": 1.5}")]
    [InlineData("{\"latencyMs\": -1}")]
    [InlineData("{\"rateLimitPerSecond\": 0}")]
    [InlineData("{not json")]
    public async Task Invalid_fault_settings_are_400_and_change_nothing(string json)
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.Http.PostAsync("_emulator/faults", new StringContent(json, Encoding.UTF8, "application/json"));
        var current = await h.Http.GetFromJsonAsync<JsonObject>("_emulator/faults");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"latencyMs\":0,\"errorRate\":0,\"rateLimitPerSecond\":null,\"rateLimitShape\":\"TokenBucket\",\"rateLimitBurst\":null,\"maxConcurrentTokenRequests\":null,\"sendRetryAfter\":true,\"outage\":false}", current!.ToJsonString());
    }

    [Fact]
    public async Task Stats_count_exactly_and_the_admin_endpoint_serves_the_same_snapshot()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var management = await h.ManagementTokenAsync();
        var userId = await h.CreateUserAsync(management, "s");
        await h.TokenAsync(userId);
        await h.TokenAsync(userId);
        using var badSecret = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign(), secret: "nope");
        using var badType = await h.PostFormAsync([new("grant_type", "x")]);
        using var conflict = await h.SendAsync(HttpMethod.Put, "v2/account-management/organization", management, new JsonObject { ["external_org_id"] = "org-s" });
        using var notFound = await h.SendAsync(HttpMethod.Get, "v2/account-management/user?external_user_id=none", management);
        using var renamed = await h.SendAsync(HttpMethod.Patch, $"v2/account-management/user?user_id={userId}", management, new JsonObject { ["name"] = "S" });

        var json = await h.Http.GetStringAsync("_emulator/stats");

        var expected = new JsonObject
        {
            ["exchanges"] = new JsonObject { [ClientA] = 1, [userId] = 2 },
            ["failures"] = new JsonObject { ["404"] = 1, ["409"] = 1, ["invalid_client"] = 1, ["invalid_request"] = 1 },
            ["creates"] = new JsonObject { ["org"] = 1, ["workspace"] = 1, ["user"] = 1 },
            ["conflicts"] = 1,
            ["maxInFlightTokenRequests"] = 1,
            ["jwksFetches"] = 1,
            ["tokenRequests"] = 5,
            ["updates"] = 1,
        };
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(json)), json);
        Assert.Equal(5, h.Emulator.GetStats().TokenRequests);
    }

    private static async Task SetFaultsAsync(EmulatorHarness h, JsonObject faults)
    {
        using var response = await h.Http.PostAsJsonAsync("_emulator/faults", faults);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
