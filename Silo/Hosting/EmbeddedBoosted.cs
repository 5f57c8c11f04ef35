using BoostedGrains.Boosted;
using BoostedGrains.Emulator;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Admin;
using BoostedGrains.Silo.Gateway;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// The embedded default: with no <c>Boosted__BaseUrl</c>, an in-process emulator plays Boosted, registered with this
/// silo's own JWKS, so the whole flow runs with no account and no settings. Its development credentials and keys are
/// set here, in one place, as post-configures of the bound options.
/// </summary>
public sealed class EmbeddedBoosted
{
    /// <summary>The client ID the embedded emulator knows this silo by.</summary>
    public const string ClientId = "boostedgrains-dev";

    private readonly EmbeddedBoostedOptions _options;

    private EmbeddedBoosted(EmbeddedBoostedOptions options, bool enabled)
    {
        _options = options;
        IsEnabled = enabled;
    }

    /// <summary>True when <c>Emulator__Enabled</c> says so, or is unset and no Boosted URL is configured.</summary>
    public bool IsEnabled { get; }

    /// <summary>True when Boosted is an emulator, embedded or not (<c>Emulator__External</c>): development keys are accepted.</summary>
    public bool IsDevelopment => IsEnabled || _options.External;

    /// <summary>
    /// Decides from the composition's <c>Emulator</c> and <c>Boosted</c> sections. A silo on Azure storage or TLS is a
    /// deployment, never a laptop: without a Boosted URL it does not fall back to the emulator unless told to.
    /// </summary>
    /// <exception cref="InvalidOperationException">No Boosted URL, <c>Emulator__Enabled</c> unset, and <paramref name="deployment"/> names why the emulator is not implied.</exception>
    public static EmbeddedBoosted For(EmbeddedBoostedOptions options, BoostedOptions boosted, string? deployment = null)
    {
        // An empty Boosted__BaseUrl binds to an empty relative URI: it counts as unset.
        var noBoosted = boosted.BaseUrl is not { OriginalString.Length: > 0 };
        if (options.Enabled is null && noBoosted && deployment is not null)
            throw new InvalidOperationException(
                $"Boosted__BaseUrl is not set, and this silo {deployment}: it does not start the embedded emulator unless told to. "
                + "Set Boosted__BaseUrl to Boosted's URL, or Emulator__Enabled=true to run the embedded emulator on purpose.");
        return new(options, options.Enabled ?? noBoosted);
    }

    /// <summary>
    /// Registers the emulator on <c>Emulator__Url</c> and points the Boosted options at it; with no gateway or admin key
    /// configured, the development ones are used. The client secret is random per process: nothing outside this
    /// process ever needs it.
    /// </summary>
    public void AddTo(IServiceCollection services)
    {
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        // Started when the Boosted options are first built (at the latest by their check at start, before any hosted
        // service, so before the silo's first call to Boosted): the JWKS URL the emulator fetches is an option itself.
        services.AddSingleton(provider => Start(provider.GetRequiredService<IOptions<JwksOptions>>().Value.PublicUrl!, secret));
        services.AddOptions<BoostedOptions>().PostConfigure<BoostedEmulatorServer>((boosted, emulator) =>
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

    private BoostedEmulatorServer Start(Uri jwksUrl, string secret)
    {
        _options.Partners = [new EmulatorPartner { ClientId = ClientId, ClientSecret = secret, JwksUri = jwksUrl }];
        // Options are built synchronously; Task.Run keeps the start off whatever synchronization context the caller has.
        return Task.Run(() => BoostedEmulatorServer.StartAsync(_options, _options.Url)).GetAwaiter().GetResult();
    }
}
