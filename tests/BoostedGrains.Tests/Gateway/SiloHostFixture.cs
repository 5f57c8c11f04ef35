using System.Globalization;
using BoostedGrains.Testing;
using BoostedGrains.Emulator;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Gateway;

/// <summary>
/// The real Silo host with no Boosted settings: its embedded emulator plays Boosted, as on a developer's laptop. Only the
/// silo and gateway ports are moved (the primary silo port follows the silo port by default).
/// </summary>
public class SiloHostFixture : IAsyncLifetime
{
    private WebApplication _app = null!;

    public Uri BaseUrl { get; private set; } = null!;

    public BoostedEmulatorServer Emulator => _app.Services.GetRequiredService<BoostedEmulatorServer>();

    /// <summary>The silo host's services (its grain factory, key cache, ...).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>This host's own log lines (the suite's capture holds every host's).</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>The culture the host runs under; null keeps the process's own.</summary>
    protected virtual string? Culture => null;

    public async Task InitializeAsync()
    {
        (_app, BaseUrl) = await StartSiloAsync("gateway", [], builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(LogCapture.Suite).AddProvider(Logs);
            if (Culture is { } culture)
                builder.Services.AddSingleton<IStartupFilter>(new RequestCulture(new CultureInfo(culture)));
        });
        using var http = new HttpClient { BaseAddress = BaseUrl };
        await Eventually.TrueAsync(async () => (await http.GetAsync("/healthz")).IsSuccessStatusCode, "the silo is ready");
    }

    /// <summary>
    /// Starts the real Silo host on free loopback ports with its own cluster and the given extra arguments;
    /// <paramref name="beforeStart"/> sees the built host before it starts.
    /// </summary>
    public static async Task<(WebApplication App, Uri Url)> StartSiloAsync(string name, string[] arguments, Action<WebApplicationBuilder>? configure,
        Action<WebApplication>? beforeStart = null)
    {
        var url = TestSilo.FreeUrl();
        var app = await TestSilo.CreateAsync(url, name, arguments, configure);
        beforeStart?.Invoke(app);
        await app.StartAsync();
        return (app, new Uri(url));
    }

    /// <summary>The real Silo host on <paramref name="url"/> and free loopback ports, logging at <paramref name="logLevel"/>; not started.</summary>
    public static Task<WebApplication> CreateSiloAsync(string url, LogLevel logLevel) =>
        TestSilo.CreateAsync(url, "gateway", [], builder => builder.Logging.SetMinimumLevel(logLevel).AddProvider(LogCapture.Suite));

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The same host under a culture whose time separator is not ':' and whose decimal separator is ','.</summary>
public sealed class FinnishSiloHostFixture : SiloHostFixture
{
    protected override string? Culture => "fi-FI";
}

/// <summary>
/// Runs every request under one culture, as a host whose LANG names it would. Kestrel queues its work without the
/// starting thread's context, so the culture is set where each request starts.
/// </summary>
internal sealed class RequestCulture(CultureInfo culture) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
            return nextMiddleware(context);
        });
        next(app);
    };
}
