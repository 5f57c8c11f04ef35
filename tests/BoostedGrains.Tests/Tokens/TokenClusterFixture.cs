using BoostedGrains.Hosting;
using BoostedGrains.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace BoostedGrains.Tests.Tokens;

/// <summary>Two in-process silos with the token and hierarchy grains, talking to a <see cref="FakeBoosted"/> on loopback.</summary>
public sealed class TokenClusterFixture : IAsyncLifetime
{
    private ScriptedHttpServer _server = null!;
    private InProcessTestCluster _cluster = null!;

    public FakeBoosted Boosted { get; } = new();

    public IClusterClient Client => _cluster.Client;

    public async Task InitializeAsync()
    {
        _server = await ScriptedHttpServer.StartAsync(Boosted.RespondAsync);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Boosted:BaseUrl"] = _server.Url.ToString(),
            ["Boosted:ClientId"] = FakeBoosted.ClientId,
            ["Boosted:ClientSecret"] = "cluster-secret",
            ["Boosted:RetryBaseDelay"] = "00:00:00.010",
            ["Boosted:RefreshAheadFraction"] = "0.7",
            ["Boosted:RefreshAheadJitter"] = "0",
        }).Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GrainStorage.Name);
            silo.Services.AddBoostedTokens(configuration);
            silo.Services.AddSingleton<IAssertionSigner, SubjectEchoSigner>();
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _server.DisposeAsync();
    }
}
