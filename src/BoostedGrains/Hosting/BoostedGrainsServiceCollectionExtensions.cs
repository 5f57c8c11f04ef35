using BoostedGrains.Boosted;
using BoostedGrains.Keys;
using BoostedGrains.Security;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace BoostedGrains.Hosting;

/// <summary>Registers everything a silo needs to serve Boosted tokens.</summary>
public static class BoostedGrainsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the key ring, the assertion signer, the Boosted clients, the token grains' services, and the filter that
    /// keeps Orleans clients away from the silo-only grains.
    /// </summary>
    public static IServiceCollection AddBoostedGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JwksOptions>().Bind(configuration.GetSection(JwksOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwksOptions>, JwksOptionsValidator>());
        // A plain client, as an outside verifier uses: no resilience handler, so a failure shows as it is.
        services.AddHttpClient(PublicUrlVerifier.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<PublicUrlVerifier>();
        services.AddHostedService(provider => provider.GetRequiredService<PublicUrlVerifier>());
        services.AddOptions<JwksPublishOptions>().Bind(configuration.GetSection(JwksPublishOptions.SectionName));
        services.AddHostedService<JwksBlobPublisher>();
        services.AddOptions<TokenOptions>().Bind(configuration.GetSection(TokenOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<UserTokenProtector>();
        // Per grain class, so that only user grains follow Tokens__IdleDeactivation.
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<TokenOptions>>((collection, tokens) =>
            collection.ClassSpecificCollectionAge[typeof(UserTokenGrain).FullName!] = tokens.Value.IdleDeactivation);
        // What ISiloBuilder.AddIncomingGrainCallFilter does: Orleans runs every registered IIncomingGrainCallFilter.
        services.AddSingleton<IIncomingGrainCallFilter, SiloCallersOnlyFilter>();
        return services.AddBoostedKeys(configuration).AddBoostedTokens(configuration);
    }
}
