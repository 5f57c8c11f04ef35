using BoostedGrains.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Boosted user token handler to an <c>HttpClient</c> registered with <c>AddHttpClient</c>.</summary>
public static class BoostedHttpClientBuilderExtensions
{
    /// <summary>
    /// Attaches the Boosted token of the user that <typeparamref name="TAccessor"/> names (registered as a singleton
    /// unless already registered), renewing and retrying once on 401, on requests to Boosted's hosts only
    /// (<see cref="BoostedUserTokenOptions.AllowedHosts"/>). Needs <c>AddBoostedTokens</c> on the host.
    /// </summary>
    public static IHttpClientBuilder AddBoostedUserToken<TAccessor>(this IHttpClientBuilder builder, Action<BoostedUserTokenOptions>? configure = null)
        where TAccessor : class, IBoostedUserAccessor
    {
        builder.Services.TryAddSingleton<TAccessor>();
        return builder.AddBoostedUserToken(services => services.GetRequiredService<TAccessor>(), configure);
    }

    /// <summary>Attaches the Boosted token of the user that the accessor from <paramref name="accessor"/> names.</summary>
    public static IHttpClientBuilder AddBoostedUserToken(this IHttpClientBuilder builder, Func<IServiceProvider, IBoostedUserAccessor> accessor,
        Action<BoostedUserTokenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(accessor);
        if (configure is not null)
            builder.Services.Configure(builder.Name, configure);
        var name = builder.Name;
        return builder.AddHttpMessageHandler(services => new BoostedUserTokenHandler(
            services.GetRequiredService<IBoostedTokenProvider>(),
            accessor(services),
            services.GetRequiredService<IOptionsMonitor<BoostedUserTokenOptions>>().Get(name),
            services.GetService<IConfiguration>()));
    }
}
