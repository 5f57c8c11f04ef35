using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Tokens;

/// <summary>A real Kestrel server on 127.0.0.1 with a free port that answers with a test's script and records every request.</summary>
public sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private ScriptedHttpServer(Func<RecordedRequest, HttpContext, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var request = new RecordedRequest(
                context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "",
                await reader.ReadToEndAsync(), context.Request.Headers.Authorization.FirstOrDefault(), _clock.Elapsed);
            _requests.Enqueue(request);
            await respond(request, context);
        });
    }

    /// <summary>The base URL, with a trailing slash.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Starts a server that answers with <paramref name="respond"/>.</summary>
    public static async Task<ScriptedHttpServer> StartAsync(Func<RecordedRequest, HttpContext, Task> respond)
    {
        var server = new ScriptedHttpServer(respond);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Url = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Starts a server that answers the n-th request (from 0) with <paramref name="respond"/>.</summary>
    public static Task<ScriptedHttpServer> StartNthAsync(Func<int, HttpContext, Task> respond)
    {
        var count = -1;
        return StartAsync((_, context) => respond(Interlocked.Increment(ref count), context));
    }

    /// <summary>Writes a JSON answer.</summary>
    public static Task Json(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
