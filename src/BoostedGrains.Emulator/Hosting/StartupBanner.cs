namespace BoostedGrains.Emulator.Hosting;

/// <summary>Tells a partner where the emulator listens and which client IDs it knows (never a secret).</summary>
internal static partial class StartupBanner
{
    public static void Log(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("BoostedGrains.Emulator");
        var registry = services.GetRequiredService<PartnerRegistry>();
        var tokenEndpoint = registry.DefaultAudience();
        LogListening(logger, tokenEndpoint);
        if (registry.All.Count == 0)
        {
            LogNoPartner(logger);
            return;
        }

        foreach (var partner in registry.All)
        {
            LogPartner(logger, partner.ClientId, partner.JwksUri, registry.AudienceOf(partner), partner.AllowedScopes);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Boosted emulator listening: token endpoint {TokenEndpoint}")]
    private static partial void LogListening(ILogger logger, string tokenEndpoint);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No partner configured: set Emulator__Partners__0__ClientId, __ClientSecret and __JwksUri (see src/BoostedGrains.Emulator/README.md)")]
    private static partial void LogNoPartner(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {ClientId}: jwks_uri {JwksUri}, audience {Audience}, scopes {Scopes}")]
    private static partial void LogPartner(ILogger logger, string clientId, Uri? jwksUri, string audience, string scopes);
}
