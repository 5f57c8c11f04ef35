using System.Security.Cryptography;
using BoostedGrains.Emulator;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Cluster;

/// <summary>
/// A valid token outlives its activation: it is stored encrypted, and a new activation serves it without an exchange.
/// What does not decrypt (another KEK, altered bytes, another user's row) is discarded for exactly one new exchange.
/// </summary>
public sealed class TokenContinuityTests(BoostedCluster boosted) : IClassFixture<BoostedCluster>
{
    [Fact]
    public async Task A_deactivated_grain_serves_its_stored_token_without_an_exchange_or_a_wait()
    {
        using var served = new MetricCounter(boosted, "boostedgrains.tokens.served");
        var user = NewUser("idle");
        var first = await boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync();

        await StoredTokens.DeactivateAllAsync(boosted);
        var again = await boosted.Entrances[2].GetUserTokenGrain(user).GetAccessTokenAsync();

        Assert.Equal(first.Value, again.Value);
        Assert.Equal(1, await ExchangesAsync(user));
        Assert.Equal(1, served.Sum(("kind", "user"), ("outcome", "waited")));
        Assert.Equal(1, served.Sum(("kind", "user"), ("outcome", "hit")));
    }

    [Theory]
    [InlineData("unknown KEK ID")]
    [InlineData("another key under the same KEK ID")]
    [InlineData("one byte flipped")]
    [InlineData("a later expiry")]
    public async Task A_stored_token_that_does_not_decrypt_is_discarded_with_a_warning_and_exchanged_once(string tampering)
    {
        var user = NewUser("tampered");
        var first = await Tamper(user, stored => tampering switch
        {
            "unknown KEK ID" => With(stored, kekId: "kek-retired"),
            "another key under the same KEK ID" => With(stored, data: SealWithRandomKey(stored.Data.Length - 28)),
            "one byte flipped" => With(stored, data: [.. stored.Data[..^1], (byte)(stored.Data[^1] ^ 0x01)]),
            _ => With(stored, expiresAt: stored.ExpiresAt.AddHours(1)),
        });

        var again = await boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync();

        Assert.NotEqual(first.Value, again.Value);
        Assert.Equal(2, await ExchangesAsync(user));
        AssertWarned(user);
    }

    [Fact]
    public async Task A_ciphertext_moved_to_another_users_row_is_refused()
    {
        var owner = NewUser("owner");
        var other = NewUser("other");
        var ownerToken = await boosted.Client.GetUserTokenGrain(owner).GetAccessTokenAsync();
        var ownersRow = await StoredTokens.ReadAsync(boosted, owner);
        await Tamper(other, _ => ownersRow.State!.Tokens["thread"]);

        var othersToken = await boosted.Client.GetUserTokenGrain(other).GetAccessTokenAsync();

        Assert.NotEqual(ownerToken.Value, othersToken.Value);
        Assert.Equal(2, await ExchangesAsync(other));
        AssertWarned(other);
        // The owner's own row still serves the owner.
        Assert.Equal(ownerToken.Value, (await boosted.Client.GetUserTokenGrain(owner).GetAccessTokenAsync()).Value);
        Assert.Equal(1, await ExchangesAsync(owner));
    }

    [Fact]
    public async Task A_rejected_token_is_not_served_again_by_a_new_activation()
    {
        var user = NewUser("rejected");
        var grain = boosted.Client.GetUserTokenGrain(user);
        var rejected = await grain.GetAccessTokenAsync();
        await grain.ReportRejectedTokenAsync(rejected.Sha256);
        await Eventually.TrueAsync(async () => await ExchangesAsync(user) == 2, "the rejected token was renewed");
        var renewed = await grain.GetAccessTokenAsync();

        await StoredTokens.DeactivateAllAsync(boosted);
        var again = await grain.GetAccessTokenAsync();

        Assert.NotEqual(rejected.Value, renewed.Value);
        Assert.Equal(renewed.Value, again.Value);
        Assert.Equal(2, await ExchangesAsync(user));
    }

    [Fact]
    public async Task Reprovisioning_clears_the_stored_tokens()
    {
        var user = NewUser("reprovision");
        await boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync();
        Assert.Single((await StoredTokens.ReadAsync(boosted, user)).State!.Tokens);

        // Re-provisioning is silo-only (Orleans clients are refused): call it through a silo's grain factory.
        await boosted.SiloGrains.GetGrain<IUserTokenAdminGrain>(user).ReprovisionAsync();

        Assert.Empty((await StoredTokens.ReadAsync(boosted, user)).State!.Tokens);
    }

    /// <summary>Gets a token, rewrites the stored one with <paramref name="change"/>, and deactivates the grain.</summary>
    private async Task<AccessToken> Tamper(string user, Func<StoredToken, StoredToken> change)
    {
        var token = await boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync();
        await StoredTokens.DeactivateAllAsync(boosted);
        var row = await StoredTokens.ReadAsync(boosted, user);
        // Whatever is in the row must not reach a log line: the suite-wide scan looks for it.
        if (row.State!.Tokens.GetValueOrDefault("thread") is { } stored)
            LogCapture.Suite.AddSecret(Convert.ToBase64String(stored.Data));
        row.State!.Tokens["thread"] = change(row.State!.Tokens.GetValueOrDefault("thread") ?? throw new InvalidOperationException("No token stored."));
        LogCapture.Suite.AddSecret(Convert.ToBase64String(row.State!.Tokens["thread"].Data));
        await StoredTokens.WriteAsync(boosted, user, row);
        return token;
    }

    private static StoredToken With(StoredToken stored, string? kekId = null, byte[]? data = null, DateTimeOffset? expiresAt = null) => new()
    {
        KekId = kekId ?? stored.KekId,
        Data = data ?? stored.Data,
        ExpiresAt = expiresAt ?? stored.ExpiresAt,
        ObtainedAt = stored.ObtainedAt,
    };

    private static byte[] SealWithRandomKey(int length)
    {
        var data = new byte[12 + 16 + length];
        RandomNumberGenerator.Fill(data.AsSpan(0, 12));
        using var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        aes.Encrypt(data.AsSpan(0, 12), RandomNumberGenerator.GetBytes(length), data.AsSpan(28), data.AsSpan(12, 16));
        return data;
    }

    private static void AssertWarned(string user) =>
        Assert.Contains(LogCapture.Suite.Lines, line => line.Contains("does not decrypt", StringComparison.Ordinal) && line.Contains(user, StringComparison.Ordinal));

    private async Task<long> ExchangesAsync(string user)
    {
        var status = await boosted.Client.GetUserTokenGrain(user).GetStatusAsync();
        return boosted.Emulator.GetStats().Exchanges.GetValueOrDefault(status.BoostedUserId!);
    }

    private static string NewUser(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}

/// <summary>A stored token that expired meanwhile is not served: the next call waits for exactly one exchange.</summary>
public sealed class ExpiredStoredTokenTests(ExpiredStoredTokenTests.Fixture boosted) : IClassFixture<ExpiredStoredTokenTests.Fixture>
{
    /// <summary>4-second tokens (the default is an hour), so the test can outlive one.</summary>
    public sealed class Fixture : BoostedCluster
    {
        protected override EmulatorOptions EmulatorOptions => new() { TokenLifetimeSeconds = 4 };
    }

    [Fact]
    public async Task An_expired_stored_token_leads_to_exactly_one_exchange()
    {
        var user = $"expired-{Guid.NewGuid():N}";
        var grain = boosted.Client.GetUserTokenGrain(user);
        var first = await grain.GetAccessTokenAsync();
        await StoredTokens.DeactivateAllAsync(boosted);
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > first.ExpiresAt, "the stored token expired", TimeSpan.FromSeconds(10));

        var again = await grain.GetAccessTokenAsync();

        Assert.NotEqual(first.Value, again.Value);
        var status = await grain.GetStatusAsync();
        Assert.Equal(2, boosted.Emulator.GetStats().Exchanges[status.BoostedUserId!]);
    }
}
