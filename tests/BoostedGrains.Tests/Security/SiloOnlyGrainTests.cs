using BoostedGrains.Errors;
using BoostedGrains.Hierarchy;
using BoostedGrains.Keys;
using BoostedGrains.Security;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Security;

/// <summary>
/// The management token, the key ring, the organization and workspace grains and user re-provisioning answer only
/// callers inside the silos: an Orleans client (what any process reaching the gateway can run) is refused, with nothing
/// done.
/// </summary>
public sealed class SiloOnlyGrainTests(BoostedCluster boosted) : IClassFixture<BoostedCluster>
{
    /// <summary>Every method of the silo-only grain surface, as one call each.</summary>
    public static TheoryData<string> SiloOnlyMethods => [.. Calls.Keys];

    private static readonly Dictionary<string, Func<IGrainFactory, Task>> Calls = new()
    {
        ["IManagementTokenGrain.GetTokenAsync"] = g => Management(g).GetTokenAsync(),
        ["IManagementTokenGrain.ReportRejectedTokenAsync"] = g => Management(g).ReportRejectedTokenAsync(new string('0', 64)),
        ["IKeyRingGrain.GetSnapshotAsync"] = g => g.GetKeyRing().GetSnapshotAsync(),
        ["IKeyRingGrain.RotateNowAsync"] = g => g.GetKeyRing().RotateNowAsync(),
        ["IKeyRingGrain.RevokeAsync"] = g => g.GetKeyRing().RevokeAsync("no-such-kid"),
        ["IKeyRingGrain.ImportAsync"] = g => g.GetKeyRing().ImportAsync(null!),
        ["IKeyRingGrain.ReportPublicUrlAsync"] = g => g.GetKeyRing().ReportPublicUrlAsync(["no-such-kid"]),
        ["IKeyRingGrain.ListKeysAsync"] = g => g.GetKeyRing().ListKeysAsync(),
        ["IUserTokenAdminGrain.ReprovisionAsync"] = g => g.GetGrain<IUserTokenAdminGrain>("silo-only-user").ReprovisionAsync(),
        ["IOrgGrain.EnsureCreatedAsync"] = g => g.GetGrain<IOrgGrain>("silo-only-org").EnsureCreatedAsync(),
        ["IOrgGrain.GetBoostedIdAsync"] = g => g.GetGrain<IOrgGrain>("silo-only-org").GetBoostedIdAsync(),
        ["IAccountGrain.EnsureCreatedAsync"] = g => g.GetGrain<IAccountGrain>("silo-only-ws").EnsureCreatedAsync(),
        ["IAccountGrain.GetInfoAsync"] = g => g.GetGrain<IAccountGrain>("silo-only-ws").GetInfoAsync(),
    };

    private static IManagementTokenGrain Management(IGrainFactory grains) =>
        grains.GetGrain<IManagementTokenGrain>(IManagementTokenGrain.AccountManagement);

    [Fact]
    public void The_calls_cover_every_silo_only_method()
    {
        var marked = typeof(IKeyRingGrain).Assembly.GetTypes().Where(type => type.IsInterface)
            .SelectMany(type => type.GetMethods().Select(method => (type, method)))
            .Where(m => m.type.IsDefined(typeof(SiloCallersOnlyAttribute), false) || m.method.IsDefined(typeof(SiloCallersOnlyAttribute), false))
            .Select(m => $"{m.type.Name}.{m.method.Name}");

        Assert.Equal(marked.Order(), Calls.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(SiloOnlyMethods))]
    public async Task An_external_client_is_refused_with_an_error_that_names_the_method_and_the_way_in(string method)
    {
        var refused = await Assert.ThrowsAsync<InternalGrainCallRefusedException>(() => Calls[method](boosted.Client));

        Assert.StartsWith($"{method} is internal to the BoostedGrains silos and refuses calls from Orleans clients.", refused.Message);
        Assert.Contains("admin HTTP API", refused.Message);
    }

    [Fact]
    public async Task Orleans_management_grain_refuses_an_external_client()
    {
        var refused = await Assert.ThrowsAsync<InternalGrainCallRefusedException>(() => boosted.Client.GetGrain<IManagementGrain>(0).GetHosts());

        Assert.StartsWith("IManagementGrain.GetHosts is internal to the BoostedGrains silos and refuses calls from Orleans clients.", refused.Message);
    }

    [Fact]
    public async Task Inside_a_silo_orleans_management_grain_answers()
    {
        Assert.Equal(2, (await boosted.SiloGrains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count);
    }

    [Fact]
    public async Task A_refused_rotation_creates_no_key()
    {
        var before = await boosted.SiloGrains.GetKeyRing().ListKeysAsync();

        await Assert.ThrowsAsync<InternalGrainCallRefusedException>(() => boosted.Client.GetKeyRing().RotateNowAsync());

        Assert.Equal(before.Select(k => k.Kid), (await boosted.SiloGrains.GetKeyRing().ListKeysAsync()).Select(k => k.Kid));
    }

    [Fact]
    public async Task A_refused_management_token_request_makes_no_exchange()
    {
        var exchanges = boosted.Emulator.GetStats().Exchanges.GetValueOrDefault(boosted.ClientId);

        await Assert.ThrowsAsync<InternalGrainCallRefusedException>(() => Management(boosted.Client).GetTokenAsync());

        Assert.Equal(exchanges, boosted.Emulator.GetStats().Exchanges.GetValueOrDefault(boosted.ClientId));
    }

    [Fact]
    public async Task Inside_a_silo_the_same_methods_answer()
    {
        var token = await Management(boosted.SiloGrains).GetTokenAsync();
        var rotated = await boosted.SiloGrains.GetKeyRing().RotateNowAsync();
        var status = await boosted.SiloGrains.GetGrain<IUserTokenAdminGrain>($"silo-only-{Guid.NewGuid():N}").ReprovisionAsync();

        Assert.False(string.IsNullOrEmpty(token.Value));
        Assert.Contains(rotated.Kid, (await boosted.SiloGrains.GetKeyRing().ListKeysAsync()).Select(k => k.Kid));
        Assert.True(status.Provisioned);
    }

    [Fact]
    public async Task An_external_client_keeps_the_app_server_surface_and_onboarding()
    {
        var userId = $"silo-only-{Guid.NewGuid():N}";

        Assert.True(await boosted.Client.GetGrain<IUserTokenAdminGrain>(userId).OnboardAsync(null));
        var token = await boosted.Client.GetUserTokenGrain(userId).GetAccessTokenAsync();

        Assert.False(string.IsNullOrEmpty(token.Value));
        Assert.True((await boosted.Client.GetUserTokenGrain(userId).GetStatusAsync()).Provisioned);
    }
}
