using BoostedGrains.Boosted;
using BoostedGrains.Diagnostics;
using BoostedGrains.Hierarchy;
using BoostedGrains.Hosting;
using BoostedGrains.Keys;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Orleans.Hosting;

/// <summary>The one way to make a silo serve Boosted tokens.</summary>
public static class BoostedGrainsSiloBuilderExtensions
{
    /// <summary>
    /// Binds the <c>Boosted</c> (unless the host did, <see cref="BoostedGrainsSiloOptions.Boosted"/>), <c>Tokens</c>,
    /// <c>KeyRing</c>, <c>Jwks</c> and <c>Jwks:Publish</c> sections of the host's configuration (validated at start), and adds the key ring with its startup check, the assertion signer, the
    /// Boosted clients, the token grains' services, the metrics, the storage rules of <paramref name="configure"/>, and the
    /// filter that keeps Orleans clients away from the silo-only grains. The host adds the grain storage named
    /// <see cref="GrainStorage.Name"/>.
    /// </summary>
    public static ISiloBuilder AddBoostedGrains(this ISiloBuilder silo, Action<BoostedGrainsSiloOptions>? configure = null)
    {
        var options = new BoostedGrainsSiloOptions();
        configure?.Invoke(options);
        var services = silo.Services;
        services.AddBoostedGrainServices(options.Boosted);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, KeyRingStartup>();
        if (options.PersistentState)
            services.AddSingleton<IValidateOptions<KeyRingOptions>, PersistentKekRequirement>();
        else if (!options.BoostedInProcess)
            services.AddSingleton<IValidateOptions<KeyRingOptions>, EphemeralKeyRingRequirement>();
        // The embedded emulator is reached inside the process; any other Boosted, and the JWKS it reads, over https.
        if (!options.BoostedInProcess)
        {
            services.AddSingleton<IValidateOptions<BoostedOptions>, OutboundHttpsRequirement>();
            services.AddSingleton<IValidateOptions<JwksOptions>>(provider => new JwksHttpsRequirement(
                options.Boosted?.AllowHttp ?? provider.GetService<IConfiguration>()?.GetValue<bool>($"{BoostedOptions.SectionName}:{nameof(BoostedOptions.AllowHttp)}") ?? false));
        }
        return silo;
    }

    /// <summary>Everything of <see cref="AddBoostedGrains"/> but the startup check and the storage rules (tests without a silo).</summary>
    internal static IServiceCollection AddBoostedGrainServices(this IServiceCollection services, BoostedOptions? boosted = null)
    {
        services.AddOptions<JwksOptions>().BindConfiguration(JwksOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwksOptions>, JwksOptionsValidator>());
        // A plain client, as an outside verifier uses: no resilience handler, so a failure shows as it is.
        services.AddHttpClient(PublicUrlVerifier.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10)).UseLongLivedHandler();
        services.AddSingleton<PublicUrlVerifier>();
        services.AddHostedService(provider => provider.GetRequiredService<PublicUrlVerifier>());
        services.AddOptions<JwksPublishOptions>().BindConfiguration(JwksPublishOptions.SectionName);
        services.AddHostedService<JwksBlobPublisher>();
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<UserTokenProtector>();
        services.TryAddSingleton<UserTokenGrainServices>();
        services.TryAddSingleton<UserStateBinding>();
        services.TryAddSingleton<AccountStateBinding>();
        services.TryAddSingleton<OrgStateBinding>();
        // Per grain class, so that only user grains follow Tokens__IdleDeactivation.
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<TokenOptions>>((collection, tokens) =>
            collection.ClassSpecificCollectionAge[typeof(UserTokenGrain).FullName!] = tokens.Value.IdleDeactivation);
        services.AddSiloCallProof();
        services.TryAddSingleton<AdminAudit>();
        services.TryAddSingleton<KeyRingMetrics>();
        return services.AddBoostedKeys().AddBoostedTokens(boosted);
    }
}
