namespace BoostedGrains.Emulator.Hosting;

/// <summary>Tells a partner where the emulator listens and which client IDs it knows (never a secret).</summary>
internal static class StartupBanner
{
    public static void Log(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("BoostedGrains.Emulator");
        var registry = services.GetRequiredService<PartnerRegistry>();
        var tokenEndpoint = registry.DefaultAudience();
        logger.LogInformation("Boosted emulator listening: token endpoint {TokenEndpoint}", tokenEndpoint);
        if (registry.All.Count == 0)
        {
            logger.LogWarning(
                "No partner configured: set Emulator__Partners__0__ClientId, __ClientSecret and __JwksUri (see src/BoostedGrains.Emulator/README.md)");
            return;
        }

        foreach (var partner in registry.All)
        {
            logger.LogInformation(
                "Partner {ClientId}: jwks_uri {JwksUri}, audience {Audience}, scopes {Scopes}",
                partner.ClientId,
                partner.JwksUri,
                registry.AudienceOf(partner),
                partner.AllowedScopes);
        }
    }
}
