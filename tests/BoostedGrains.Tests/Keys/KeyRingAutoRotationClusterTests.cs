using BoostedGrains.Hosting;
using BoostedGrains.Keys;
using BoostedGrains.Testing;
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
        // Sample numbers, not clock readings: the rule is about order (served everywhere, then signing), and the ring's
        // own timeline says how long it was served.
        var servedEverywhere = new Dictionary<string, int>();
        var signedFirst = new Dictionary<string, int>();
        var sample = 0;
        await Eventually.TrueAsync(() =>
        {
            sample++;
            if (caches.Any(c => !c.IsLoaded))
            {
                return false;
            }
            foreach (var kid in caches.Select(c => c.Jwks!.KeyIds.ToHashSet()).Aggregate((a, b) => { a.IntersectWith(b); return a; }))
            {
                servedEverywhere.TryAdd(kid, sample);
            }
            foreach (var cache in caches)
            {
                // A loaded silo always has a key to sign with: a gap mid-rotation throws SigningKeyUnavailableException here.
                var kid = cache.GetSigningKey().Kid;
                signedFirst.TryAdd(kid, sample);
                Assert.Contains(kid, cache.Jwks!.KeyIds);
            }
            return signedFirst.Count == 2;
        }, "the silos switch to a successor", TimeSpan.FromSeconds(20));

        var successor = signedFirst.Keys.Last();
        Assert.True(servedEverywhere.TryGetValue(successor, out var served) && served < signedFirst[successor],
            $"the successor signed at sample {signedFirst[successor]}, before every silo served it (sample {(served == 0 ? "never" : served)})");
        var keys = await _cluster.Client.GetKeyRing().ListKeysAsync();
        var next = keys.Single(k => k.Kid == successor);
        Assert.Equal(KeyStatus.Signing, next.Status);
        Assert.True(next.EligibleAt - next.CreatedAt >= Propagation, $"the successor was eligible {next.EligibleAt - next.CreatedAt} after it was published");
        Assert.Contains(keys, k => k.Kid == signedFirst.Keys.First() && k.Status == KeyStatus.Retired);
    }
}
