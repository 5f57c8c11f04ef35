using BoostedGrains.Boosted;
using BoostedGrains.Emulator;
using BoostedGrains.Silo.Admin;
using BoostedGrains.Silo.Gateway;

namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// The embedded default: with no <c>Boosted__BaseUrl</c>, an in-process emulator plays Boosted, registered with this
/// silo's own JWKS, so the whole flow runs with no account and no settings. Its development credentials and keys are
/// set here, in one place, after the configuration is bound.
/// </summary>
public sealed class EmbeddedBoosted
{
    /// <summary>The client ID the embedded emulator knows this silo by.</summary>
    public const string ClientId = "boostedgrains-dev";

    private readonly EmbeddedBoostedOptions _options;
    private readonly EmulatorOptions _emulator;

    private EmbeddedBoosted(EmbeddedBoostedOptions options, EmulatorOptions emulator, bool enabled)
    {
        _options = options;
        _emulator = emulator;
        IsEnabled = enabled;
    }

    /// <summary>True when <c>Emulator__Enabled</c> says so, or is unset and no Boosted URL is configured.</summary>
    public bool IsEnabled { get; }

    /// <summary>The <c>Emulator</c> section of <paramref name="configuration"/>, and whether <c>Boosted__BaseUrl</c> is set.</summary>
    public static EmbeddedBoosted Bind(IConfiguration configuration)
    {
        var section = configuration.GetSection(EmbeddedBoostedOptions.SectionName);
        var options = section.Get<EmbeddedBoostedOptions>() ?? new EmbeddedBoostedOptions();
        var boosted = configuration.GetSection(BoostedOptions.SectionName).Get<BoostedOptions>();
        // An empty Boosted__BaseUrl binds to an empty relative URI: it counts as unset.
        var boostedConfigured = boosted?.BaseUrl is { OriginalString.Length: > 0 };
        return new EmbeddedBoosted(options, section.Get<EmulatorOptions>() ?? new EmulatorOptions(), options.Enabled ?? !boostedConfigured);
    }

    /// <summary>
    /// Starts the emulator on <c>Emulator__Url</c> and points the Boosted options at it; with no gateway or admin key
    /// configured, the development ones are used. The client secret is random per process: nothing outside this
    /// process ever needs it.
    /// </summary>
    public async Task AddToAsync(IServiceCollection services, Uri jwksUrl, CancellationToken cancellationToken = default)
    {
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _emulator.Partners = [new EmulatorPartner { ClientId = ClientId, ClientSecret = secret, JwksUri = jwksUrl }];
        var emulator = await BoostedEmulatorServer.StartAsync(_emulator, _options.Url, ct: cancellationToken);
        services.AddSingleton(emulator);
        services.PostConfigure<BoostedOptions>(boosted =>
        {
            boosted.BaseUrl = emulator.BaseUrl;
            boosted.ClientId = ClientId;
            boosted.ClientSecret = secret;
        });
        services.PostConfigure<GatewayOptions>(gateway =>
        {
            if (gateway.ApiKeys.Values.All(string.IsNullOrEmpty))
                gateway.ApiKeys["0"] = GatewayOptions.DevelopmentApiKey;
        });
        services.PostConfigure<AdminOptions>(admin =>
        {
            if (!admin.HasKeys)
                admin.ApiKeys["0"] = AdminOptions.DevelopmentApiKey;
        });
    }
}
