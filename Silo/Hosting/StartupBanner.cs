using BoostedGrains.Emulator;
using Microsoft.AspNetCore.Hosting.Server;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Admin;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Silo.Observability;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Hosting;

/// <summary>Tells whoever started the silo where everything is, once it is listening.</summary>
public sealed class StartupBanner(
    IHostApplicationLifetime lifetime, IServer server, IOptions<JwksOptions> jwks, IOptions<GatewayOptions> gateway,
    IOptions<AdminOptions> adminOptions, IOptions<DashboardOptions> dashboardOptions, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        var url = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var emulator = services.GetService<BoostedEmulatorServer>();
        var lines = new List<string>
        {
            "BoostedGrains silo is up.",
            $"  JWKS:       {jwks.Value.PublicUrl}",
            $"  Token API:  POST {url}/v1/users/{{userId}}/token",
            $"  Health:     {url}/healthz (live: /healthz/live, ready: /healthz/ready)",
        };
        var admin = adminOptions.Value;
        var dashboard = dashboardOptions.Value;
        if (admin.HasKeys)
        {
            // On the admin listener when Admin__Urls gives one.
            var adminUrl = admin.Urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? url;
            lines.Add($"  Admin API:  {adminUrl}/admin/keys, {adminUrl}/admin/users/{{userId}} (admin key as Bearer)");
            if (dashboard.Enabled)
                lines.Add($"  Dashboard:  {adminUrl}{dashboard.Path}/ (admin key as the Basic password)");
        }
        if (emulator is not null)
        {
            lines.Add($"  Boosted:    embedded emulator at {emulator.BaseUrl} (set Boosted__BaseUrl to use the real Boosted)");
            if (gateway.Value.ApiKeys.ContainsValue(GatewayOptions.DevelopmentApiKey))
                lines.Add($"  API key:    {GatewayOptions.DevelopmentApiKey} (development only; set Gateway__ApiKeys__0 for real use)");
            if (admin.ApiKeys.ContainsValue(AdminOptions.DevelopmentApiKey))
                lines.Add($"  Admin key:  {AdminOptions.DevelopmentApiKey} (development only; set Admin__ApiKeys__0 for real use)");
        }
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
