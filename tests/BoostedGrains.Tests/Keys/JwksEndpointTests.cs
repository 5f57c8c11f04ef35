using BoostedGrains.Silo.Jwks;
using System.Net;
using System.Net.Http.Headers;
using BoostedGrains.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using static BoostedGrains.Tests.Keys.KeyTestKit;

namespace BoostedGrains.Tests.Keys;

public sealed class JwksEndpointTests : IAsyncLifetime
{
    private readonly IPrivateKeyProtector _protector = Protector(NewKek("test"));
    private readonly SigningKeyCache _cache;
    private readonly WebApplication _app;
    private readonly HttpClient _http = new();

    public JwksEndpointTests()
    {
        _cache = Cache(_protector);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(_cache);
        builder.Services.AddOptions<KeyRingOptions>();
        _app = builder.Build();
        _app.MapBoostedJwks();
    }

    public async Task InitializeAsync()
    {
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http.BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Answers_503_until_keys_are_loaded()
    {
        using var response = await _http.GetAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Serves_the_jwks_with_caching_headers_and_answers_304_to_a_matching_etag()
    {
        var timeline = new KeyTimeline(new KeyRingState(), Options());
        Advance(timeline, _protector, DateTimeOffset.UtcNow);
        _cache.Apply(timeline.CreateSnapshot(DateTimeOffset.UtcNow));

        using var response = await _http.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.Public);
        Assert.Equal(TimeSpan.FromMinutes(5), response.Headers.CacheControl?.MaxAge);
        Assert.Equal(_cache.Jwks!.ETag, response.Headers.ETag?.ToString());
        Assert.Equal(_cache.Jwks.Json.ToArray(), await response.Content.ReadAsByteArrayAsync());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks.json");
        conditional.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(_cache.Jwks.ETag));
        using var notModified = await _http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks.json");
        stale.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse("\"something-else\""));
        using var fresh = await _http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }
}
