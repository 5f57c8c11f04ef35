using BoostedGrains.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace BoostedGrains.Tests.Keys;

/// <summary>
/// A public JWKS URL in front of the cluster, on loopback Kestrel: it serves a fixed document (another environment's
/// keys), a frozen copy of the origin's first good answer (a CDN that caches for days), or the origin live.
/// </summary>
public sealed class StubPublicUrl : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _origin = new();
    private volatile byte[]? _fixed;
    private volatile byte[]? _frozen;
    private volatile bool _live;
    private int _requestsFromVerifier;
    private int _requestsFromOthers;

    private StubPublicUrl(WebApplication app, Uri url) => (_app, Url) = (app, url);

    /// <summary>The URL to register as <c>Jwks__PublicUrl</c> and the emulator's <c>JwksUri</c>.</summary>
    public Uri Url { get; }

    /// <summary>Where frozen and live modes read from (the silo's own JWKS).</summary>
    public Uri? Origin { get; set; }

    /// <summary>The request header that marks the cluster's own looks at the URL.</summary>
    public const string VerifierHeader = "X-Test-Public-Url-Verifier";

    /// <summary>Requests with <see cref="VerifierHeader"/>: the cluster's looks.</summary>
    public int RequestsFromVerifier => Volatile.Read(ref _requestsFromVerifier);

    /// <summary>Requests without <see cref="VerifierHeader"/>: Boosted's (the emulator's) fetches.</summary>
    public int RequestsFromOthers => Volatile.Read(ref _requestsFromOthers);

    public static async Task<StubPublicUrl> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        var stub = new StubPublicUrl(app, new Uri(url + "/jwks.json"));
        app.MapGet("/jwks.json", stub.ServeAsync);
        await app.StartAsync();
        return stub;
    }

    /// <summary>Serves <paramref name="json"/> whatever the origin holds.</summary>
    public void ServeFixed(byte[] json) => _fixed = json;

    /// <summary>Serves the origin's first good answer from now on, as a CDN that ignores max-age.</summary>
    public void ServeFrozen() => (_fixed, _live) = (null, false);

    /// <summary>Serves the origin as it is now.</summary>
    public void ServeLive() => (_fixed, _live) = (null, true);

    private async Task ServeAsync(HttpContext context)
    {
        Interlocked.Increment(ref context.Request.Headers.ContainsKey(VerifierHeader) ? ref _requestsFromVerifier : ref _requestsFromOthers);
        var body = _fixed;
        if (body is null && (_live || _frozen is null))
        {
            using var response = await _origin.GetAsync(Origin);
            if (!response.IsSuccessStatusCode)
            {
                context.Response.StatusCode = (int)response.StatusCode;
                return;
            }
            body = await response.Content.ReadAsByteArrayAsync();
            _frozen ??= body;
        }
        body ??= _frozen!;
        // Short, so the verifier looks again soon; the caching itself is proven in PublicJwksReaderTests.
        context.Response.Headers.CacheControl = "public, max-age=1";
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _origin.Dispose();
    }
}
