using BoostedGrains.Testing;
using System.Collections.Concurrent;
using System.Text.Json;
using BoostedGrains.Emulator;
using BoostedGrains.Errors;
using BoostedGrains.Keys;
using BoostedGrains.Tests.Faults;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Security;

/// <summary>
/// The partner's signing keys under the security rules of docs/reliability.md: what the JWKS carries, what every assertion that left the
/// cluster looked like, and how long a revoked key can still sign on a silo that cached it.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class KeySecurityTests(KeySecurityTests.Fixture boosted, ITestOutputHelper output) : IClassFixture<KeySecurityTests.Fixture>
{
    // Each silo re-reads the ring every KeyRing__RefreshInterval; shortened so the revocation test sees refreshes soon.
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1.5);

    public sealed class Fixture : ProxiedCluster
    {
        protected override EmulatorOptions EmulatorOptions => new() { JwksCacheSeconds = 1 };

        protected override IDictionary<string, string?> FaultSettings => new Dictionary<string, string?>
        {
            ["KeyRing:PropagationTime"] = "00:00:04",
            ["KeyRing:RotationInterval"] = "00:01:00",
            ["KeyRing:RefreshInterval"] = RefreshInterval.ToString(),
        };
    }

    [Fact]
    public async Task The_JWKS_carries_only_public_members_of_every_published_key()
    {
        await boosted.SiloGrains.GetKeyRing().RotateNowAsync();
        await boosted.SiloGrains.GetKeyRing().RotateNowAsync();
        await boosted.RefreshKeysAsync();
        using var http = new HttpClient();
        var json = await http.GetStringAsync(boosted.JwksUrl);
        using var jwks = JsonDocument.Parse(json);

        var keys = jwks.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.True(keys.Count >= 2, $"{keys.Count} keys published");
        var allowed = new HashSet<string> { "kty", "use", "alg", "kid", "n", "e", "crv", "x", "y" };
        foreach (var key in keys)
        {
            var members = key.EnumerateObject().Select(p => p.Name).ToList();
            Assert.All(members, m => Assert.Contains(m, allowed));
        }
        Assert.Equal(["keys"], jwks.RootElement.EnumerateObject().Select(p => p.Name));
        FaultFigures.Record(output, "security", "JWKS keys checked / members outside the public whitelist", $"{keys.Count} / 0");
    }

    [Fact]
    public async Task Every_assertion_sent_to_Boosted_has_a_unique_jti_and_a_lifetime_of_at_most_300_s()
    {
        // The revocation test may have run first: wait until a successor has propagated and been seen publicly.
        await Eventually.TrueAsync(async () =>
        {
            await boosted.RefreshKeysAsync();
            return boosted.Cluster.Silos.All(silo => CanSign(BoostedCluster.KeyCache(silo.ServiceProvider)));
        }, "every silo has a key to sign with", TimeSpan.FromSeconds(60));
        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => boosted.Client.GetUserTokenGrain($"jti-{i}-{Guid.NewGuid():N}").GetAccessTokenAsync()));
        // Plus assertions signed directly on both silos at once, where a weak jti source would collide.
        var direct = await Task.WhenAll(boosted.Cluster.Silos.SelectMany(silo => Enumerable.Range(0, 200).Select(async _ =>
            await silo.ServiceProvider.GetRequiredService<IAssertionSigner>().CreateAssertionAsync("probe"))));

        var sent = boosted.Proxy.TokenRequests.Where(r => r.Assertion is not null).ToList();
        Assert.True(sent.Count >= 60);
        var facts = sent.Select(r => (Jti: r.Jti, Iat: r.Assertion!.Iat, Exp: r.Assertion.Exp))
            .Concat(direct.Select(a => new JsonWebToken(a)).Select(t => (Jti: (string?)t.Id, Iat: (long?)t.GetPayloadValue<long>("iat"), Exp: (long?)t.GetPayloadValue<long>("exp"))))
            .ToList();
        Assert.All(facts, f => Assert.False(string.IsNullOrEmpty(f.Jti)));
        Assert.Equal(facts.Count, facts.Select(f => f.Jti).Distinct().Count());
        Assert.All(facts, f => Assert.InRange(f.Exp!.Value - f.Iat!.Value, 1, 300));
        FaultFigures.Record(output, "security", "assertions checked (sent to Boosted + signed directly) / duplicate jti / longest lifetime",
            $"{facts.Count} / 0 / {facts.Max(f => f.Exp!.Value - f.Iat!.Value)} s");
    }

    [Fact]
    public async Task A_revoked_key_stops_signing_on_every_silo_at_its_next_refresh_without_being_told()
    {
        await boosted.RefreshKeysAsync();
        var caches = boosted.Cluster.Silos.Select(s => BoostedCluster.KeyCache(s.ServiceProvider)).ToList();
        var signers = boosted.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<IAssertionSigner>()).ToList();
        var revoked = new JsonWebToken(await signers[0].CreateAssertionAsync("probe")).Kid;
        // Each signature with the snapshot generation it came from (taken when the generation did not move around it).
        var signed = new ConcurrentBag<(int Silo, long Generation, string? Kid)>();
        using var stop = new CancellationTokenSource();

        // Both silos sign continuously; only the grain is told about the revocation, as when an operator revokes on
        // another machine. Each silo learns it from its own periodic refresh (KeyRing__RefreshInterval).
        var loops = signers.Select((signer, silo) => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var generation = caches[silo].Generation;
                string? kid;
                try
                {
                    kid = new JsonWebToken(await signer.CreateAssertionAsync("probe")).Kid;
                }
                catch (SigningKeyUnavailableException)
                {
                    kid = null;
                }
                if (caches[silo].Generation == generation)
                    signed.Add((silo, generation, kid));
                await Task.Delay(5);
            }
        })).ToList();
        // Revoke only once every silo is signing with the key, so that each silo's use of it is measured.
        await Eventually.TrueAsync(() => Enumerable.Range(0, signers.Count).All(silo => signed.Any(s => s.Silo == silo && s.Kid == revoked)),
            "every silo signs with the key about to be revoked", TimeSpan.FromSeconds(10));
        Assert.True(await boosted.SiloGrains.GetKeyRing().RevokeAsync(revoked));
        // A snapshot applied after this reading may have been fetched before the revocation; the one after it was not
        // (a silo's refreshes run one at a time).
        var firstAfter = caches.Select(cache => cache.Generation + 2).ToList();
        await Eventually.TrueAsync(() => Enumerable.Range(0, signers.Count).All(silo => signed.Any(s => s.Silo == silo && s.Generation >= firstAfter[silo])),
            "every silo signs from a snapshot read after the revocation, on its own refresh", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Task.WhenAll(loops);

        foreach (var silo in Enumerable.Range(0, signers.Count))
        {
            var after = signed.Where(s => s.Silo == silo && s.Generation >= firstAfter[silo]).ToList();
            Assert.DoesNotContain(after, s => s.Kid == revoked);
        }
        using var http = new HttpClient();
        Assert.DoesNotContain(revoked, await http.GetStringAsync(boosted.JwksUrl));
        Assert.False(await boosted.SiloGrains.GetKeyRing().RevokeAsync(revoked));

        // After the bound, never again: once a successor has propagated (forced, since this test is not about the public
        // URL), every silo signs again, and not with the revoked key. This also leaves the class a key to sign with.
        await boosted.SiloGrains.GetKeyRing().RotateNowAsync(force: true);
        await Eventually.TrueAsync(async () =>
        {
            await boosted.RefreshKeysAsync();
            return boosted.Cluster.Silos.All(silo => CanSign(BoostedCluster.KeyCache(silo.ServiceProvider)));
        }, "every silo signs again after the revocation", TimeSpan.FromSeconds(60));
        foreach (var signer in signers)
            Assert.NotEqual(revoked, new JsonWebToken(await signer.CreateAssertionAsync("probe")).Kid);

        FaultFigures.Record(output, "security", "signatures during the test / with the revoked key from a snapshot read after the revocation", $"{signed.Count} / 0");
    }

    private static bool CanSign(SigningKeyCache cache)
    {
        try
        {
            cache.GetSigningKey();
            return true;
        }
        catch (SigningKeyUnavailableException)
        {
            return false;
        }
    }
}
