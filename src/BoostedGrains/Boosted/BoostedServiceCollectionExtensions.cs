using BoostedGrains.Boosted;
using BoostedGrains.Diagnostics;
using BoostedGrains.Hosting;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what the token and hierarchy grains need on a silo (part of <c>AddBoostedGrains</c>).</summary>
internal static class BoostedServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="BoostedOptions"/> to the host's <c>Boosted</c> section, or starts from <paramref name="bound"/> when the
    /// host bound it while composing (validated at start either way), and adds the Boosted HTTP clients with their resilience pipelines, the management-token source and <see cref="TimeProvider.System"/>.
    /// An <c>IAssertionSigner</c> must be registered as well (the key ring).
    /// </summary>
    public static IServiceCollection AddBoostedTokens(this IServiceCollection services, BoostedOptions? bound = null)
    {
        (bound is null ? services.AddOptions<BoostedOptions>().BindConfiguration(BoostedOptions.SectionName) : services.AddComposedOptions(bound))
            .ValidateDataAnnotations()
            .Validate(options => options.EffectiveAllowedUserScopes.IsSupersetOf(options.UserScope.Split(' ', StringSplitOptions.RemoveEmptyEntries)),
                "Boosted__UserScope names a scope that Boosted__AllowedUserScopes does not list: add it there, or leave Boosted__AllowedUserScopes unset.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<BoostedGrainsMetrics>();
        services.TryAddSingleton<BoostedReachability>();
        services.TryAddSingleton<BoostedRates>();
        services.TryAddSingleton<IManagementTokenSource, GrainManagementTokenSource>();

        services.Configure<Polly.Telemetry.TelemetryOptions>(BoostedResilience.QuietEvents);
        var tokens = services.AddSingletonClient<BoostedTokenClient>();
        tokens.AddResilienceHandler(BoostedResilience.TokenPipeline, (builder, context) => BoostedResilience.Configure(
            builder, context, options => options.MaxConcurrentExchanges, context.ServiceProvider.GetRequiredService<BoostedRates>().Token));
        // Added after the resilience handler, so inside it: each attempt signs its own assertion once it may leave.
        tokens.AddHttpMessageHandler(() => new AttemptContentHandler());
        tokens.AddHttpMessageHandler(s => Observer(s, "token"));
        // Added after the resilience handler, so inside it: once per attempt, with the body read inside the attempt.
        tokens.AddHttpMessageHandler(() => new BufferingHandler());
        var accounts = services.AddSingletonClient<BoostedAccountClient>();
        accounts.AddResilienceHandler(BoostedResilience.AccountPipeline, (builder, context) => BoostedResilience.Configure(
            builder, context, options => options.MaxConcurrentProvisioning, context.ServiceProvider.GetRequiredService<BoostedRates>().Account));
        accounts.AddHttpMessageHandler(s => Observer(s, "account"));
        accounts.AddHttpMessageHandler(() => new BufferingHandler());
        return services;
    }

    // One client per silo, shared by every grain: a typed client made per activation would cost each grain an
    // HttpClient of its own.
    private static IHttpClientBuilder AddSingletonClient<TClient>(this IServiceCollection services) where TClient : class
    {
        var name = typeof(TClient).Name;
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<TClient>(
            provider, provider.GetRequiredService<IHttpClientFactory>().CreateClient(name)));
        // No redirect is followed: each request carries the client secret or a management token, which must reach no
        // other host. A 3xx answer becomes a typed error in BoostedHttp.
        return services.AddHttpClient(name, ConfigureClient).UseLongLivedHandler()
            .UseSocketsHttpHandler((handler, _) => handler.AllowAutoRedirect = false);
    }

    // Added after the resilience handler, so it sits inside it and sees every attempt, retries included.
    private static BoostedResponseObserver Observer(IServiceProvider services, string api) =>
        new(services.GetRequiredService<BoostedGrainsMetrics>(), services.GetRequiredService<BoostedReachability>(), api);

    private static void ConfigureClient(IServiceProvider services, HttpClient http)
    {
        var options = services.GetRequiredService<IOptions<BoostedOptions>>().Value;
        http.BaseAddress = options.ResolveApiBaseAddress();
        // The pipeline's total timeout is the limit; HttpClient's own 100 s default would only cut it short.
        http.Timeout = Timeout.InfiniteTimeSpan;
    }
}
