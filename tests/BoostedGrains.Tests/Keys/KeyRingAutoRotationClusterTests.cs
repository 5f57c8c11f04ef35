using BoostedGrains.Errors;
using BoostedGrains.Hosting;
using BoostedGrains.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace BoostedGrains.Tests.Keys;

/// <summary>The timeline on its own, in real time with every duration shortened: only the refresh services act.</summary>
public sealed class KeyRingAutoRotationClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(2);
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["KeyRing:Algorithm"] = "ES256",
            ["KeyRing:PropagationTime"] = "00:00:02",
            ["KeyRing:RotationInterval"] = "00:00:04",
            ["KeyRing:RefreshInterval"] = "00:00:00.250",
        };
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(settings));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GrainStorage.Name);
            silo.Services.AddBoostedKeys();
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Silos_publish_the_successor_before_they_switch_to_it()
    {
        var caches = _cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<SigningKeyCache>()).ToList();
        var firstSeen = new Dictionary<string, DateTime>();
        var signedFirst = new Dictionary<string, DateTime>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (signedFirst.Count < 2 && DateTime.UtcNow < deadline)
        {
            foreach (var cache in caches.Where(c => c.IsLoaded))
            {
                foreach (var kid in cache.Jwks!.KeyIds)
                {
                    firstSeen.TryAdd(kid, DateTime.UtcNow);
                }
                try
                {
                    var kid = cache.GetSigningKey().Kid;
                    signedFirst.TryAdd(kid, DateTime.UtcNow);
                    Assert.Contains(kid, cache.Jwks.KeyIds);
                }
                catch (SigningKeyUnavailableException)
                {
                    // only before the first load completes
                }
            }
            await Task.Delay(25);
        }

        Assert.Equal(2, signedFirst.Count);
        var successor = signedFirst.Keys.Last();
        // Observed from outside, so allow the polling granularity: it was served for (about) the whole propagation time.
        Assert.True(signedFirst[successor] - firstSeen[successor] >= Propagation - TimeSpan.FromMilliseconds(300),
            $"successor signed {signedFirst[successor] - firstSeen[successor]} after it was first served");

        var keys = await _cluster.Client.GetKeyRing().ListKeysAsync();
        Assert.Contains(keys, k => k.Kid == successor && k.Status == KeyStatus.Signing);
        Assert.Contains(keys, k => k.Kid == signedFirst.Keys.First() && k.Status == KeyStatus.Retired);
    }
}
