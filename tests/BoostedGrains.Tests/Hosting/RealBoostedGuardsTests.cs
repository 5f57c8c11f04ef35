using BoostedGrains.Emulator;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Tests.Hosting;

/// <summary>
/// A silo meant for a real Boosted holds no development key, and a deployed silo (Azure storage, TLS) never falls back to
/// the embedded emulator silently: both refuse to start, naming the setting to fix.
/// </summary>
public sealed class RealBoostedGuardsTests
{
    private static readonly string LongKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    // Nothing listens at this Boosted: starting must not need it.
    private static string[] RealBoosted(params string[] more) =>
    [
        "--Boosted:BaseUrl", $"http://127.0.0.1:{FreePort.Next()}/",
        "--Boosted:ClientId", "partner",
        "--Boosted:ClientSecret", "not-used-in-this-test",
        // The ring is in memory: this silo has no Azure storage.
        "--KeyRing:AllowEphemeral", "true",
        .. more,
    ];

    [Theory]
    [InlineData("--Gateway:ApiKeys:0", "dev-api-key", "Gateway__ApiKeys__0 is a development key")]
    [InlineData("--Gateway:ApiKeys:0", "5db9d40a5917d8e1c61aab9d95a2b6f4c4b8a4fb758982e5", "Gateway__ApiKeys__0 is a development key")]
    [InlineData("--Gateway:Keys:billing:Key", "short-but-not-published", "Gateway__Keys__billing__Key is 23 characters long")]
    public async Task A_development_or_short_gateway_key_with_a_real_Boosted_fails_the_start_naming_the_setting(string setting, string key, string message)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => CreateAsync(RealBoosted(setting, key)));
        Assert.Contains(message, failure.Message);
        Assert.Contains("at least 32 characters", failure.Message);
    }

    [Fact]
    public async Task The_development_admin_key_with_a_real_Boosted_fails_the_start_naming_the_setting()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(
            () => CreateAsync(RealBoosted("--Gateway:ApiKeys:0", LongKey, "--Admin:ApiKeys:ops", "dev-admin-key")));
        Assert.Contains("Admin__ApiKeys__ops is a development key", failure.Message);
    }

    [Fact]
    public async Task A_standalone_emulator_named_as_such_accepts_development_keys_and_long_keys_pass_with_a_real_Boosted()
    {
        // Emulator__External is how docker-compose.yml says that its Boosted is the emulator.
        await using (var emulated = await CreateAsync(RealBoosted("--Gateway:ApiKeys:0", "dev-api-key", "--Emulator:External", "true")))
        {
            await emulated.StartAsync();
            await emulated.StopAsync();
        }
        await using var real = await CreateAsync(RealBoosted("--Gateway:ApiKeys:0", LongKey));
        await real.StartAsync();
        await real.StopAsync();
    }

    [Theory]
    [InlineData("--Storage:AzureTableConnectionString", "UseDevelopmentStorage=true", "keeps its state in Azure storage (Storage__AzureTableConnectionString)")]
    [InlineData("--Tls:CertificateSubject", "silo.example", "speaks TLS on its cluster ports (Tls__*)")]
    public async Task A_deployed_silo_without_a_Boosted_URL_refuses_to_start_the_embedded_emulator_unless_told_to(string setting, string value, string why)
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => CreateAsync([setting, value]));
        Assert.Equal($"Boosted__BaseUrl is not set, and this silo {why}: it does not start the embedded emulator unless told to. "
            + "Set Boosted__BaseUrl to Boosted's URL, or Emulator__Enabled=true to run the embedded emulator on purpose.", failure.Message);
    }

    [Fact]
    public async Task A_silo_on_Azure_storage_runs_the_embedded_emulator_when_told_to()
    {
        // Built only (not started): the opt-in composes the embedded emulator, which is all this asks. The KEK is what
        // Azure storage requires anyway.
        await using var optedIn = await CreateAsync(["--Storage:AzureTableConnectionString", "UseDevelopmentStorage=true",
            "--KeyRing:Kek:Id", "guards", "--KeyRing:Kek:Key", Convert.ToBase64String(new byte[32]), "--Emulator:Enabled", "true"]);
        Assert.NotNull(optedIn.Services.GetService<BoostedEmulatorServer>());
    }

    [Fact]
    public async Task Each_key_is_capped_at_300_new_users_a_minute_with_a_real_Boosted_and_not_with_an_emulator()
    {
        static async Task<int> CapAsync(string[] args)
        {
            await using var app = await CreateAsync(args);
            return Assert.Single(app.Services.GetRequiredService<IOptions<BoostedGrains.Silo.Gateway.GatewayOptions>>().Value.Resolved()).NewUsersPerMinute;
        }

        Assert.Equal(300, await CapAsync(RealBoosted("--Gateway:ApiKeys:0", LongKey)));
        Assert.Equal(0, await CapAsync(RealBoosted("--Gateway:ApiKeys:0", LongKey, "--Emulator:External", "true")));
        Assert.Equal(0, await CapAsync(["--Gateway:ApiKeys:0", LongKey]));
        Assert.Equal(7, await CapAsync(["--Gateway:ApiKeys:0", LongKey, "--Gateway:NewUsersPerMinute", "7"]));
    }

    private static Task<WebApplication> CreateAsync(string[] args) =>
        TestSilo.CreateAsync($"http://127.0.0.1:{FreePort.Next()}", "guards", args, builder => builder.Logging.AddProvider(LogCapture.Suite));
}
