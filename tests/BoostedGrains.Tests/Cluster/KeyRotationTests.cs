using BoostedGrains.Testing;
using System.Text.Json;
using BoostedGrains.Emulator;
using BoostedGrains.Errors;
using BoostedGrains.Keys;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BoostedGrains.Tests.Cluster;

/// <summary>
/// Design §4 against a verifier that caches the JWKS (2 s here): every duration is shortened together, and keys are
/// published for longer than that cache before they sign.
/// </summary>
public sealed class KeyRotationTests(KeyRotationTests.Fixture boosted) : IClassFixture<KeyRotationTests.Fixture>
{
    public sealed class Fixture : BoostedCluster
    {
        protected override EmulatorOptions EmulatorOptions => new() { JwksCacheSeconds = 2 };

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["KeyRing:Algorithm"] = "ES256",
            ["KeyRing:PropagationTime"] = "00:00:04",
            ["KeyRing:RotationInterval"] = "00:00:08",
            ["KeyRing:RefreshInterval"] = "00:00:00.500",
            // This test is about rotations under load: half the propagation time seen at the public URL keeps the
            // public-URL rule (proven in PublicUrlVerificationTests) from delaying the hand-overs past the test's end.
            ["Jwks:RequiredSeenFraction"] = "0.5",
        };
    }

    [Fact]
    public async Task Repeated_rotations_during_continuous_exchanges_cause_no_invalid_grant()
    {
        var keyRing = boosted.SiloGrains.GetKeyRing();
        var signingKids = new HashSet<string>();
        var served = 0;
        // The last rotation (at 10 s) signs about 4.5 s later: propagation, plus a look at the public URL through its
        // 1 s max-age; 18 s leaves room for that on a loaded machine.
        var end = DateTimeOffset.UtcNow.AddSeconds(18);

        // Four callers exchange continuously (each new user is one exchange) while an operator rotates every 5 s
        // (each new key signs 4 s later, once it has outlived the verifier's cache) and the schedule rotates on its own.
        var callers = Enumerable.Range(0, 4).Select(async caller =>
        {
            var grains = boosted.Entrances[caller % boosted.Entrances.Count];
            while (DateTimeOffset.UtcNow < end)
            {
                await grains.GetUserTokenGrain($"rotating-{Guid.NewGuid():N}").GetAccessTokenAsync();
                Interlocked.Increment(ref served);
                lock (signingKids)
                    signingKids.Add(SigningKid(caller % 2));
            }
        }).ToList();
        var operatorRotations = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                await Task.Delay(5000);
                await keyRing.RotateNowAsync();
            }
        });
        await Task.WhenAll([.. callers, operatorRotations]);

        var stats = boosted.Emulator.GetStats();
        Assert.False(stats.Failures.ContainsKey("invalid_grant"), $"invalid_grant: {stats.Failures.GetValueOrDefault("invalid_grant")}");
        Assert.True(signingKids.Count >= 3, $"signed with {signingKids.Count} keys");
        Assert.True(served > 20, $"{served} exchanges");
    }

    [Fact]
    public async Task A_revoked_key_leaves_the_JWKS_at_once_and_signs_nothing_afterwards()
    {
        var keyRing = boosted.SiloGrains.GetKeyRing();
        await boosted.RefreshKeysAsync();
        var revoked = SigningKid(0);

        Assert.True(await keyRing.RevokeAsync(revoked));
        await boosted.RefreshKeysAsync();

        using var http = new HttpClient();
        using var jwks = JsonDocument.Parse(await http.GetStringAsync(boosted.JwksUrl));
        Assert.DoesNotContain(revoked, jwks.RootElement.GetProperty("keys").EnumerateArray().Select(key => key.GetProperty("kid").GetString()));
        // Whether a successor already stood by depends on where in its timeline the key was revoked; the gap that
        // follows when none did is RevocationGapTests'.
        await Eventually.TrueAsync(async () => (await keyRing.ListKeysAsync()).Any(key => key.Status == KeyStatus.Signing),
            "a replacement key signs", TimeSpan.FromSeconds(15));
        await boosted.RefreshKeysAsync();

        foreach (var silo in boosted.Cluster.Silos)
        {
            var signer = silo.ServiceProvider.GetRequiredService<IAssertionSigner>();
            for (var i = 0; i < 5; i++)
                Assert.NotEqual(revoked, new JsonWebToken(await signer.CreateAssertionAsync("anyone")).Kid);
        }
        await boosted.Client.GetUserTokenGrain($"after-revoke-{Guid.NewGuid():N}").GetAccessTokenAsync();
        Assert.False(await keyRing.RevokeAsync(revoked));
    }

    private string SigningKid(int silo) =>
        BoostedCluster.KeyCache(boosted.Cluster.Silos[silo].ServiceProvider).GetSigningKey().Kid;
}
