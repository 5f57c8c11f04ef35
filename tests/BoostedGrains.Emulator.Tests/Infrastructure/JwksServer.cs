using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Emulator.Tests.Infrastructure;

/// <summary>A partner's JWKS over real HTTP on a loopback port, with a key set the test changes at will.</summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile TestKey[] _keys = [];
    private int _requests;

    private JwksServer(WebApplication app, Uri uri)
    {
        _app = app;
        Uri = uri;
    }

    public Uri Uri { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>When set, the endpoint answers this status instead of the keys.</summary>
    public int? FailWith { get; set; }

    public static async Task<JwksServer> StartAsync(params TestKey[] keys)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        JwksServer? server = null;
        app.MapGet("/.well-known/jwks.json", (HttpContext ctx) => server!.ServeAsync(ctx));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new JwksServer(app, new Uri(address + "/.well-known/jwks.json"));
        server.Publish(keys);
        return server;
    }

    /// <summary>Replaces the published key set.</summary>
    public void Publish(params TestKey[] keys) => _keys = keys;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _requests);
        if (FailWith is { } status)
        {
            ctx.Response.StatusCode = status;
            return;
        }

        var keys = new JsonArray();
        foreach (var key in _keys)
        {
            keys.Add(key.PublicJwk.DeepClone());
        }

        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(new JsonObject { ["keys"] = keys }.ToJsonString());
    }
}
