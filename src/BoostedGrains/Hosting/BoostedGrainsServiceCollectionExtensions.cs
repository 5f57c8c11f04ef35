using BoostedGrains.Boosted;
using BoostedGrains.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Hosting;

/// <summary>Registers everything a silo needs to serve Boosted tokens.</summary>
public static class BoostedGrainsServiceCollectionExtensions
{
    /// <summary>Adds the key ring, the assertion signer, the Boosted clients and the token grains' services.</summary>
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
        return services.AddBoostedKeys(configuration).AddBoostedTokens(configuration);
    }
}
