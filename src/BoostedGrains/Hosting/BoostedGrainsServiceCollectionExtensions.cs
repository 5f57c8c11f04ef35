using BoostedGrains.Boosted;
using BoostedGrains.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Hosting;

/// <summary>Registers everything a silo needs to serve Boosted tokens.</summary>
public static class BoostedGrainsServiceCollectionExtensions
{
    /// <summary>Adds the key ring, the assertion signer, the Boosted clients and the token grains' services.</summary>
    public static IServiceCollection AddBoostedGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JwksOptions>().Bind(configuration.GetSection(JwksOptions.SectionName));
        return services.AddBoostedKeys(configuration).AddBoostedTokens(configuration);
    }
}
