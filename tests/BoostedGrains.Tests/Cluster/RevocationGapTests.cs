using System.Text.Json;
using BoostedGrains.Errors;
using BoostedGrains.Keys;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Cluster;

/// <summary>
/// Revoking the only key that signs, on the default key timeline: its replacement is published at once but propagates
/// for days, so until then nothing signs and callers get the typed error, never a token signed by the revoked key.
/// </summary>
public sealed class RevocationGapTests(BoostedCluster boosted) : IClassFixture<BoostedCluster>
{
    [Fact]
    public async Task Revoking_the_only_signing_key_fails_new_exchanges_with_SigningKeyUnavailable_until_the_replacement_propagates()
    {
        await boosted.Client.GetUserTokenGrain($"before-revoke-{Guid.NewGuid():N}").GetAccessTokenAsync();
        var keyRing = boosted.SiloGrains.GetKeyRing();
        var revoked = Assert.Single(await keyRing.ListKeysAsync(), key => key.Status == KeyStatus.Signing).Kid;

        Assert.True(await keyRing.RevokeAsync(revoked));
        await boosted.RefreshKeysAsync();

        var keys = await keyRing.ListKeysAsync();
        Assert.Equal(KeyStatus.Revoked, keys.Single(key => key.Kid == revoked).Status);
        var replacement = Assert.Single(keys, key => key.Status == KeyStatus.Propagating);
        Assert.DoesNotContain(keys, key => key.Status is KeyStatus.Signing or KeyStatus.Eligible);
        var exchangesBefore = boosted.Emulator.GetStats().Exchanges.GetValueOrDefault(boosted.ClientId);
        foreach (var entrance in boosted.Entrances)
        {
            await Assert.ThrowsAsync<SigningKeyUnavailableException>(
                () => entrance.GetUserTokenGrain($"during-revoke-{Guid.NewGuid():N}").GetAccessTokenAsync());
        }
        Assert.Equal(exchangesBefore, boosted.Emulator.GetStats().Exchanges.GetValueOrDefault(boosted.ClientId));

        using var http = new HttpClient();
        using var jwks = JsonDocument.Parse(await http.GetStringAsync(boosted.JwksUrl));
        Assert.Equal([replacement.Kid], jwks.RootElement.GetProperty("keys").EnumerateArray().Select(key => key.GetProperty("kid").GetString()));
    }
}
