using BoostedGrains.Hosting;
using BoostedGrains.Silo.Gateway;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Admin;

/// <summary>Wires the admin API: its keys, checked at start, and its endpoints.</summary>
public static class AdminExtensions
{
    /// <summary>Registers the composition's <c>Admin</c> section and checks at start that no admin key is also a gateway key.</summary>
    public static IServiceCollection AddBoostedAdmin(this IServiceCollection services, AdminOptions admin)
    {
        services.AddComposedOptions(admin);
        services.AddOptions<GatewayOptions>()
            .Validate<IOptions<AdminOptions>>(
                (gateway, admin) => !gateway.ApiKeys.Values.Intersect(admin.Value.ApiKeys.Values).Any(),
                "An Admin__ApiKeys__N value is also a Gateway__ApiKeys__N value: give operators keys of their own.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>Maps <c>/admin</c> when an admin key is configured; without one the admin API does not exist.</summary>
    public static IEndpointRouteBuilder MapBoostedAdmin(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<AdminOptions>>().Value.HasKeys)
            endpoints.MapAdminApi();
        return endpoints;
    }
}
