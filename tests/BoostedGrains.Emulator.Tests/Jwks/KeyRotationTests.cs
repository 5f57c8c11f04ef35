using System.Net;
using BoostedGrains.Emulator.Tests.Infrastructure;
using static BoostedGrains.Emulator.Tests.Infrastructure.EmulatorHarness;

namespace BoostedGrains.Emulator.Tests.Jwks;

/// <summary>Key rotation as the emulator's verifier sees it (docs/boosted-api.md §2). The emulator's clock is fake; the JWKS is real HTTP.</summary>
public sealed class KeyRotationTests
{
    [Fact]
    public async Task A_key_published_before_the_cache_is_filled_passes_at_once_and_the_cache_is_reused()
    {
        await using var h = await EmulatorHarness.StartAsync();

        using var first = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        using var second = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.Equal(1, h.Emulator.GetStats().JwksFetches);
        Assert.Equal(1, h.JwksA.Requests);
    }

    [Fact]
    public async Task An_unknown_kid_fails_then_passes_after_the_background_refetch_which_runs_at_most_once_per_5_minutes()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var warm = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        Assert.Equal(1, h.Emulator.GetStats().JwksFetches);

        // Key B is published after the emulator cached the JWKS: the request carrying it still fails.
        h.JwksA.Publish(TestKey.RsaA, TestKey.RsaB);
        using var unknown = await h.ExchangeAsync(h.NewAssertion(ClientA, key: TestKey.RsaB).Sign());
        await AssertErrorAsync(unknown, HttpStatusCode.BadRequest, "invalid_grant");

        await h.WaitForStatsAsync(s => s.JwksFetches == 2);
        using var known = await h.ExchangeAsync(h.NewAssertion(ClientA, key: TestKey.RsaB).Sign());
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);

        // Key C within 5 minutes of that refetch: fails, and no refetch is requested.
        h.JwksA.Publish(TestKey.RsaA, TestKey.RsaB, TestKey.RsaC);
        h.Time!.Advance(TimeSpan.FromSeconds(299));
        using var throttled = await h.ExchangeAsync(h.NewAssertion(ClientA, key: TestKey.RsaC).Sign());
        var throttledBody = await JsonAsync(throttled);
        Assert.Equal("invalid_grant", (string?)throttledBody["error"]);
        Assert.Contains("at most once per 5 minutes", (string)throttledBody["error_description"]!);
        Assert.Equal(2, h.Emulator.GetStats().JwksFetches);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        using var requested = await h.ExchangeAsync(h.NewAssertion(ClientA, key: TestKey.RsaC).Sign());
        var requestedBody = await JsonAsync(requested);
        Assert.Equal("invalid_grant", (string?)requestedBody["error"]);
        Assert.Contains("refetch was requested", (string)requestedBody["error_description"]!);

        await h.WaitForStatsAsync(s => s.JwksFetches == 3);
        using var passes = await h.ExchangeAsync(h.NewAssertion(ClientA, key: TestKey.RsaC).Sign());
        Assert.Equal(HttpStatusCode.OK, passes.StatusCode);
        Assert.Equal(3, h.Emulator.GetStats().JwksFetches);
        Assert.Equal(3, h.JwksA.Requests);
    }

    [Fact]
    public async Task An_expired_cache_is_refilled_synchronously()
    {
        await using var h = await EmulatorHarness.StartAsync(o => o.JwksCacheSeconds = 30);
        using var warm = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());

        h.JwksA.Publish(TestKey.RsaB);
        h.Time!.Advance(TimeSpan.FromSeconds(30));
        using var rotated = await h.ExchangeAsync(h.NewAssertion(ClientA, key: TestKey.RsaB).Sign());
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(2, h.Emulator.GetStats().JwksFetches);

        // Key A left the JWKS with that refresh, so its assertions now fail.
        using var removed = await h.ExchangeAsync(h.NewAssertion(ClientA, key: TestKey.RsaA).Sign());
        await AssertErrorAsync(removed, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Concurrent_requests_on_an_empty_cache_cause_one_fetch()
    {
        await using var h = await EmulatorHarness.StartAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => h.ExchangeAsync(h.NewAssertion(ClientA).Sign())));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, h.Emulator.GetStats().JwksFetches);
        Assert.Equal(1, h.JwksA.Requests);
    }

    [Fact]
    public async Task An_unreachable_jwks_is_invalid_grant_and_a_later_fetch_recovers()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.JwksA.FailWith = 500;

        using var failed = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        await AssertErrorAsync(failed, HttpStatusCode.BadRequest, "invalid_grant");

        h.JwksA.FailWith = null;
        using var recovered = await h.ExchangeAsync(h.NewAssertion(ClientA).Sign());
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(2, h.Emulator.GetStats().JwksFetches);
    }
}
