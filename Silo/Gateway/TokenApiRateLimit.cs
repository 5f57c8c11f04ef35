namespace BoostedGrains.Silo.Gateway;

/// <summary>Registers the token API's per-key budgets (<see cref="ApiKeyBudgets"/>).</summary>
public static class TokenApiRateLimit
{
    /// <summary>Registers the limiter, checking <c>Gateway__RateLimit__*</c> at start.</summary>
    public static IServiceCollection AddTokenApiRateLimit(this IServiceCollection services)
    {
        services.AddOptions<GatewayOptions>()
            .Validate(gateway => !gateway.RateLimit.Enabled || (gateway.RateLimit.TokenLimit > 0 && gateway.RateLimit.TokensPerPeriod > 0),
                "Gateway__RateLimit__TokenLimit and Gateway__RateLimit__TokensPerPeriod must be positive (or set Gateway__RateLimit__Enabled=false).")
            .Validate(gateway => !gateway.RateLimit.Enabled || gateway.RateLimit.ReplenishmentPeriod > TimeSpan.Zero,
                "Gateway__RateLimit__ReplenishmentPeriod must be positive, e.g. 00:00:01.");
        return services.AddSingleton<ApiKeyBudgets>();
    }
}
