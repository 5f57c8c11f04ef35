using BoostedGrains.Emulator.Accounts;
using BoostedGrains.Emulator.Faults;
using BoostedGrains.Emulator.Hosting;
using BoostedGrains.Emulator.Jwks;
using BoostedGrains.Emulator.Stats;
using BoostedGrains.Emulator.Threads;
using BoostedGrains.Emulator.Tokens;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Emulator;

/// <summary>Registers the emulator in any ASP.NET Core host and maps its endpoints.</summary>
public static class EmulatorEndpoints
{
    /// <summary>Adds the emulator's services, binding <see cref="EmulatorOptions"/> from the given <c>Emulator</c> section.</summary>
    public static IServiceCollection AddBoostedEmulator(this IServiceCollection services, IConfiguration emulatorSection)
    {
        services.AddOptions<EmulatorOptions>().Bind(emulatorSection);
        return services.AddEmulatorCore();
    }

    /// <summary>Adds the emulator's services with options set in code.</summary>
    public static IServiceCollection AddBoostedEmulator(this IServiceCollection services, Action<EmulatorOptions> configure)
    {
        services.AddOptions<EmulatorOptions>().Configure(configure);
        return services.AddEmulatorCore();
    }

    /// <summary>Maps the token endpoint, Account Management, Threads, Analytics and the <c>/_emulator</c> admin endpoints.</summary>
    public static IEndpointRouteBuilder MapBoostedEmulator(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var pipeline = services.GetRequiredService<EmulatorPipeline>();
        services.GetRequiredService<TokenEndpoint>().Map(endpoints, pipeline);
        services.GetRequiredService<AccountEndpoints>().Map(endpoints, pipeline);
        services.GetRequiredService<ThreadEndpoints>().Map(endpoints, pipeline);
        services.GetRequiredService<AnalyticsEndpoints>().Map(endpoints, pipeline);
        services.GetRequiredService<AdminEndpoints>().Map(endpoints, pipeline);

        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => StartupBanner.Log(services));
        return endpoints;
    }

    private static IServiceCollection AddEmulatorCore(this IServiceCollection services)
    {
        services.AddOptions<EmulatorOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmulatorOptions>, EmulatorOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<EmulatorOptions>>().Value);
        services.TryAddSingleton(sp => new EmulatorClock(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<StatsCounters>();
        services.TryAddSingleton<FaultState>();
        services.TryAddSingleton<PartnerRegistry>();
        services.TryAddSingleton<JwksCache>();
        services.TryAddSingleton<ReplayCache>();
        services.TryAddSingleton<AccessTokenStore>();
        services.TryAddSingleton<AccountStore>();
        services.TryAddSingleton<ThreadStore>();
        services.TryAddSingleton<BearerAuth>();
        services.TryAddSingleton<AssertionValidator>();
        services.TryAddSingleton<EmulatorPipeline>();
        services.TryAddSingleton<TokenEndpoint>();
        services.TryAddSingleton<AccountEndpoints>();
        services.TryAddSingleton<ThreadEndpoints>();
        services.TryAddSingleton<AnalyticsEndpoints>();
        services.TryAddSingleton<AdminEndpoints>();
        return services;
    }
}
