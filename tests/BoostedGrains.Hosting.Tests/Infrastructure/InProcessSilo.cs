using BoostedGrains.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>The real Silo host in the test process, configured like a silo process (by environment variables).</summary>
internal sealed class InProcessSilo : IAsyncDisposable
{
    private InProcessSilo(WebApplication app) => App = app;

    public WebApplication App { get; }

    public IGrainFactory Grains => App.Services.GetRequiredService<IGrainFactory>();

    public static async Task<InProcessSilo> StartAsync(IReadOnlyDictionary<string, string?> environment)
    {
        var app = await CreateAsync(environment);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new InProcessSilo(app);
    }

    /// <summary>Builds the host without starting it (to observe start failures).</summary>
    public static Task<WebApplication> CreateAsync(IReadOnlyDictionary<string, string?> environment) =>
        // The environment names the ports of its topology, and overrides the free ones.
        TestSilo.CreateAsync(TestSilo.FreeUrl(), "in-process", [], builder =>
        {
            // Environment variable names use "__"; configuration keys use ":".
            builder.Configuration.AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":"), e.Value)));
            builder.Logging.ClearProviders();
        });

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
