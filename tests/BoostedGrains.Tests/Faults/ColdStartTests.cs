using System.Diagnostics;
using BoostedGrains.Emulator;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Gateway;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// Cold start: 1,000 new users call a silo the moment it has started, before its key ring was loaded, so every grain
/// activation needs the ring at once. The real Silo host with product defaults and its embedded emulator as Boosted.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ColdStartTests(ITestOutputHelper output)
{
    private const int Users = 1000;

    [Fact]
    public async Task A_thousand_users_on_a_just_started_silo_are_all_served_with_one_exchange_each()
    {
        await using var app = await SiloHostFixture.CreateSiloAsync($"http://127.0.0.1:{FreePort.Next()}", LogLevel.Information);
        await app.StartAsync();
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var emulator = app.Services.GetRequiredService<BoostedEmulatorServer>();

        var clock = Stopwatch.StartNew();
        var tokens = await Task.WhenAll(Enumerable.Range(0, Users).Select(i => grains.GetUserTokenGrain($"cold-{i}").GetAccessTokenAsync()));
        var elapsed = clock.Elapsed;
        var subjects = await Task.WhenAll(Enumerable.Range(0, Users).Select(async i => (await grains.GetUserTokenGrain($"cold-{i}").GetStatusAsync()).BoostedUserId!));
        var exchanges = emulator.GetStats().Exchanges;
        await app.StopAsync();

        Assert.Equal(Users, tokens.Select(t => t.Value).Distinct().Count());
        Assert.All(subjects, s => Assert.Equal(1, exchanges.GetValueOrDefault(s)));
        FaultFigures.Record(output, "7. cold start, defaults", "1,000 new users on a just-started silo: all served in", elapsed);
    }
}
