using BoostedGrains.Emulator;

namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// The embedded default: with no <c>Boosted__BaseUrl</c>, an in-process emulator plays Boosted, registered with this
/// silo's own JWKS, so the whole flow runs with no account and no settings.
/// </summary>
public static class EmbeddedBoosted
{
    /// <summary>The client ID the embedded emulator knows this silo by.</summary>
    public const string ClientId = "boostedgrains-dev";

    /// <summary>True when <c>Emulator__Enabled</c> says so, or is unset and no Boosted URL is configured.</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool?>("Emulator:Enabled") ?? string.IsNullOrEmpty(configuration["Boosted:BaseUrl"]);

    /// <summary>
    /// Starts the emulator on a free loopback port and points the Boosted settings at it. The client secret is random
    /// per process: nothing outside this process ever needs it.
    /// </summary>
    public static async Task<BoostedEmulatorServer> StartAsync(IConfigurationManager configuration, Uri jwksUrl, CancellationToken cancellationToken = default)
    {
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var options = new EmulatorOptions();
        configuration.GetSection("Emulator").Bind(options);
        options.Partners = [new EmulatorPartner { ClientId = ClientId, ClientSecret = secret, JwksUri = jwksUrl }];

        var url = configuration["Emulator:Url"] ?? "http://127.0.0.1:0";
        var emulator = await BoostedEmulatorServer.StartAsync(options, url, ct: cancellationToken);
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Boosted:BaseUrl"] = emulator.BaseUrl.ToString(),
            ["Boosted:ClientId"] = ClientId,
            ["Boosted:ClientSecret"] = secret,
        });
        return emulator;
    }
}
