using BoostedGrains.Errors;
using System.Text;
using BoostedGrains.Boosted;
using BoostedGrains.Hosting;
using BoostedGrains.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.TestingHost;

namespace BoostedGrains.Tests.Keys;

/// <summary>Two silos in one process, in-memory "boosted" storage, the real grain, caches, refresh service and signer.</summary>
public sealed class KeyRingClusterTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["KeyRing:Algorithm"] = "ES256",
            ["KeyRing:Kek:Id"] = "cluster-test",
            ["KeyRing:Kek:Key"] = Convert.ToBase64String(new byte[32]),
        };
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(settings));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GrainStorage.Name);
            silo.Services.AddBoostedKeys();
            silo.Services.Configure<BoostedOptions>(o =>
            {
                o.BaseUrl = new Uri("https://boosted.test/");
                o.ClientId = "partner-client";
                o.ClientSecret = "s";
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    private IEnumerable<IServiceProvider> Silos => _cluster.Silos.Select(s => s.ServiceProvider);

    private async Task RefreshAllAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.GetRequiredService<SigningKeyCache>().RefreshAsync();
        }
    }

    [Fact]
    public async Task Every_silo_loads_the_same_keys_and_signs_verifiable_assertions()
    {
        var caches = Silos.Select(s => s.GetRequiredService<SigningKeyCache>()).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (caches.Any(c => !c.IsLoaded) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100); // the refresh service loads the cache on its own at start
        }
        Assert.All(caches, c => Assert.True(c.IsLoaded));
        await RefreshAllAsync();
        Assert.Single(caches.Select(c => c.Jwks!.ETag).Distinct());
        Assert.Single(caches.Select(c => c.GetSigningKey().Kid).Distinct());

        foreach (var silo in Silos)
        {
            var assertion = await silo.GetRequiredService<IAssertionSigner>().CreateAssertionAsync("user-1");
            var keys = new JsonWebKeySet(Encoding.UTF8.GetString(caches[0].Jwks!.Json.Span)).GetSigningKeys();
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, new TokenValidationParameters
            {
                ValidIssuer = "partner-client",
                ValidAudience = "https://boosted.test/oauth2/token",
                IssuerSigningKeys = keys,
            });
            Assert.True(result.IsValid, result.Exception?.ToString());
        }
    }

    [Fact]
    public async Task Rotate_and_revoke_through_the_grain_reach_every_silo()
    {
        var ring = _cluster.Client.GetKeyRing();
        await RefreshAllAsync();
        var caches = Silos.Select(s => s.GetRequiredService<SigningKeyCache>()).ToList();
        var original = caches[0].GetSigningKey().Kid;

        var rotated = await ring.RotateNowAsync();
        Assert.Equal(KeyStatus.Propagating, rotated.Status);
        await RefreshAllAsync();
        Assert.All(caches, c => Assert.Contains(rotated.Kid, c.Jwks!.KeyIds));
        Assert.All(caches, c => Assert.Equal(original, c.GetSigningKey().Kid)); // the new key has not propagated yet

        Assert.True(await ring.RevokeAsync(original));
        Assert.False(await ring.RevokeAsync("no-such-kid"));
        await RefreshAllAsync();
        Assert.All(caches, c => Assert.DoesNotContain(original, c.Jwks!.KeyIds));
        Assert.All(caches, c => Assert.Throws<SigningKeyUnavailableException>(c.GetSigningKey));

        var emergency = await ring.RotateNowAsync();
        Assert.Equal(KeyStatus.Signing, emergency.Status);
        await RefreshAllAsync();
        Assert.All(caches, c => Assert.Equal(emergency.Kid, c.GetSigningKey().Kid));

        var listed = await ring.ListKeysAsync();
        Assert.Equal(KeyStatus.Revoked, listed.Single(k => k.Kid == original).Status);
        Assert.Equal(KeyStatus.Retired, listed.Single(k => k.Kid == rotated.Kid).Status);
    }
}
