using System.Security.Cryptography;
using BoostedGrains.Emulator;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

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
        await Tamper(other, _ => ownersRow.State!.FindToken("thread")!);

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
        Assert.Single((await StoredTokens.ReadAsync(boosted, user)).State!.AllTokens());

        // Re-provisioning is silo-only (Orleans clients are refused): call it through a silo's grain factory.
        await boosted.SiloGrains.GetGrain<IUserTokenAdminGrain>(user).ReprovisionAsync();

        Assert.Empty((await StoredTokens.ReadAsync(boosted, user)).State!.AllTokens());
    }

    [Fact]
    public async Task A_token_stored_under_its_scope_in_the_dictionary_of_earlier_versions_is_served_and_moves_to_the_field_when_renewed()
    {
        var user = NewUser("earlier-shape");
        var grain = boosted.Client.GetUserTokenGrain(user);
        var first = await grain.GetAccessTokenAsync();
        await StoredTokens.DeactivateAllAsync(boosted);
        // The row as earlier versions wrote it: every scope's token in the dictionary, keyed by scope, without a scope of its own.
        var row = await StoredTokens.ReadAsync(boosted, user);
        var stored = row.State!.Token ?? throw new InvalidOperationException("No token stored.");
        row.State.Token = null;
        row.State.Tokens = new() { ["thread"] = new StoredToken { KekId = stored.KekId, Data = stored.Data, ExpiresAt = stored.ExpiresAt, ObtainedAt = stored.ObtainedAt, Format = stored.Format } };
        await StoredTokens.WriteAsync(boosted, user, row);

        var again = await grain.GetAccessTokenAsync();
        Assert.Equal(first.Value, again.Value);
        Assert.Equal(1, await ExchangesAsync(user));

        await grain.ReportRejectedTokenAsync(again.Sha256);
        await Eventually.TrueAsync(async () => await ExchangesAsync(user) == 2, "the rejected token was renewed");
        await Eventually.TrueAsync(async () => (await StoredTokens.ReadAsync(boosted, user)).State!.Token is not null, "the renewed token was stored");
        var renewed = (await StoredTokens.ReadAsync(boosted, user)).State!;
        Assert.Equal("thread", renewed.Token!.Scope);
        Assert.Null(renewed.Tokens);
        await StoredTokens.DeactivateAllAsync(boosted);
        Assert.Equal((await grain.GetAccessTokenAsync()).Value, (await grain.GetAccessTokenAsync()).Value);
        Assert.Equal(2, await ExchangesAsync(user));
    }

    [Fact]
    public void State_serialized_by_earlier_versions_reads_with_the_silos_storage_serializer()
    {
        var serializer = boosted.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainStorageSerializer>();
        // A row as earlier versions wrote it (every scope's token in the dictionary, no scope in the token), byte for byte.
        const string Earlier = """
            {"$id":"1","$type":"BoostedGrains.Tokens.UserTokenState, BoostedGrains","BoostedUserId":"u-1","Workspace":"w","Tokens":{"$id":"2","$type":"System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[BoostedGrains.Tokens.StoredToken, BoostedGrains]], System.Private.CoreLib","thread":{"$id":"3","$type":"BoostedGrains.Tokens.StoredToken, BoostedGrains","KekId":"kek-1","Data":{"$type":"System.Byte[], System.Private.CoreLib","$value":"AQID"},"ExpiresAt":"1970-01-02T00:00:00+00:00","ObtainedAt":"1970-01-01T00:00:00+00:00"}}}
            """;

        var read = serializer.Deserialize<UserTokenState>(BinaryData.FromString(Earlier))!;

        Assert.Equal("u-1", read.BoostedUserId);
        var found = read.FindToken("thread");
        Assert.NotNull(found);
        Assert.Equal([1, 2, 3], found.Data);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddDays(1), found.ExpiresAt);
        Assert.Null(read.FindToken("files"));
        // Serialized again with no token of its own, the state is what earlier versions wrote: a rollback still reads it.
        Assert.Equal(Earlier, serializer.Serialize(read).ToString());
    }

    /// <summary>Gets a token, rewrites the stored one with <paramref name="change"/>, and deactivates the grain.</summary>
    private async Task<AccessToken> Tamper(string user, Func<StoredToken, StoredToken> change)
    {
        var token = await boosted.Client.GetUserTokenGrain(user).GetAccessTokenAsync();
        await StoredTokens.DeactivateAllAsync(boosted);
        var row = await StoredTokens.ReadAsync(boosted, user);
        // Whatever is in the row must not reach a log line: the suite-wide scan looks for it.
        var stored = row.State!.FindToken("thread") ?? throw new InvalidOperationException("No token stored.");
        LogCapture.Suite.AddSecret(Convert.ToBase64String(stored.Data));
        var changed = change(stored);
        row.State.SetToken(changed);
        LogCapture.Suite.AddSecret(Convert.ToBase64String(changed.Data));
        await StoredTokens.WriteAsync(boosted, user, row);
        return token;
    }

    private static StoredToken With(StoredToken stored, string? kekId = null, byte[]? data = null, DateTimeOffset? expiresAt = null) => new()
    {
        KekId = kekId ?? stored.KekId,
        Data = data ?? stored.Data,
        ExpiresAt = expiresAt ?? stored.ExpiresAt,
        ObtainedAt = stored.ObtainedAt,
        Scope = stored.Scope,
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
