using BoostedGrains.Diagnostics;
using BoostedGrains.Silo.Gateway;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BoostedGrains.Silo.Admin;

/// <summary>Wires the admin API: its keys, checked at start, and its endpoints.</summary>
public static class AdminExtensions
{
    /// <summary>Binds <c>Admin</c>; with the embedded emulator and no admin key set, uses the development admin key.</summary>
    public static IServiceCollection AddBoostedAdmin(this IServiceCollection services, IConfigurationManager configuration, bool embedded)
    {
        if (embedded && !AdminOptions.HasKeys(configuration))
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Admin:ApiKeys:0"] = AdminOptions.DevelopmentApiKey });
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName));
        services.AddOptions<GatewayOptions>()
            .Validate<Microsoft.Extensions.Options.IOptions<AdminOptions>>(
                (gateway, admin) => !gateway.ApiKeys.Values.Intersect(admin.Value.ApiKeys.Values).Any(),
                "An Admin__ApiKeys__N value is also a Gateway__ApiKeys__N value: give operators keys of their own.")
            .ValidateOnStart();
        services.TryAddSingleton<AdminAudit>();
        services.AddSingleton<AdminKeyFilter>();
        return services;
    }

    /// <summary>Maps <c>/admin</c> when an admin key is configured; without one the admin API does not exist.</summary>
    public static IEndpointRouteBuilder MapBoostedAdmin(this IEndpointRouteBuilder endpoints, IConfiguration configuration)
    {
        if (AdminOptions.HasKeys(configuration))
            endpoints.MapAdminApi();
        return endpoints;
    }
}
