using BoostedGrains.Keys;
using BoostedGrains.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace BoostedGrains.Tests.Keys;

/// <summary>The public URL is read as an outside verifier reads it: max-age honoured, ETag revalidated, over real HTTP.</summary>
public sealed class PublicJwksReaderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(KeyTestKit.Start);
    private readonly HttpClient _http = new();
    private WebApplication _server = null!;
    private Uri _url = null!;
    private int _requests;
    private int _revalidations;
    private string? _cacheControl = "public, max-age=60";
    private string? _age;
    private byte[] _body = JwksDocument.Create([]).Json.ToArray();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        builder.WebHost.UseUrls(url);
        _server = builder.Build();
        _server.MapGet("/jwks.json", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _requests);
            if (_cacheControl is not null)
                context.Response.Headers.CacheControl = _cacheControl;
            else
                context.Response.Headers.Expires = (DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30)).ToString("R");
            context.Response.Headers.ETag = "\"v1\"";
            if (_age is not null)
                context.Response.Headers.Age = _age;
            if (context.Request.Headers.IfNoneMatch == "\"v1\"")
            {
                Interlocked.Increment(ref _revalidations);
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(_body);
        });
        await _server.StartAsync();
        _url = new Uri(url + "/jwks.json");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task A_fresh_response_is_reused_without_a_request_and_a_stale_one_is_revalidated_with_its_ETag()
    {
        var key = KeyTestKit.NewKey(KeyTestKit.Protector(KeyTestKit.NewKek("reader")));
        var ours = JwksDocument.Create([key.PublicKey]);
        _body = ours.Json.ToArray();
        var reader = new PublicJwksReader(_http, _url, _time);

        Assert.Equal([key.Kid], (await reader.LookAsync(ours, default)).ServedKids);
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal([key.Kid], (await reader.LookAsync(ours, default)).ServedKids);
        Assert.Equal(1, _requests);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([key.Kid], (await reader.LookAsync(ours, default)).ServedKids);
        Assert.Equal(2, _requests);
        Assert.Equal(1, _revalidations);
    }

    [Fact]
    public async Task A_response_a_cache_held_already_is_fresh_only_for_max_age_less_its_Age()
    {
        _age = "50";
        var reader = new PublicJwksReader(_http, _url, _time);

        await reader.LookAsync(null, default);
        _time.Advance(TimeSpan.FromSeconds(9));
        await reader.LookAsync(null, default);
        Assert.Equal(1, _requests);

        _time.Advance(TimeSpan.FromSeconds(1));
        await reader.LookAsync(null, default);
        Assert.Equal(2, _requests);
    }

    [Fact]
    public async Task Without_Cache_Control_a_response_is_fresh_until_its_Expires()
    {
        // Expires is 30 s after the server's Date (real clock); the reader's own clock is the fake one.
        _cacheControl = null;
        var reader = new PublicJwksReader(_http, _url, _time);

        await reader.LookAsync(null, default);
        _time.Advance(TimeSpan.FromSeconds(25));
        await reader.LookAsync(null, default);
        Assert.Equal(1, _requests);

        _time.Advance(TimeSpan.FromSeconds(6));
        await reader.LookAsync(null, default);
        Assert.Equal(2, _requests);
    }

    [Fact]
    public async Task No_store_is_read_again_on_every_look()
    {
        _cacheControl = "no-store";
        var reader = new PublicJwksReader(_http, _url, _time);
        await reader.LookAsync(null, default);
        await reader.LookAsync(null, default);
        Assert.Equal(2, _requests);
    }

    [Fact]
    public async Task A_document_that_is_not_a_JWKS_counts_as_unreachable_and_says_so()
    {
        _body = "<html>gateway error</html>"u8.ToArray();
        var look = await new PublicJwksReader(_http, _url, _time).LookAsync(null, default);
        Assert.False(look.Reachable);
        Assert.NotNull(look.Problem);
    }

    [Fact]
    public async Task A_JWKS_that_carries_our_kid_with_other_key_material_does_not_serve_our_key()
    {
        var protector = KeyTestKit.Protector(KeyTestKit.NewKek("reader"));
        var ours = KeyTestKit.NewKey(protector);
        var impostor = KeyTestKit.NewKey(protector).PublicKey;
        // Our kid on another key's coordinates: a kid-only check would count it as served.
        _body = JwksDocument.Create([new PublicJwk { Kty = impostor.Kty, Alg = impostor.Alg, Kid = ours.Kid, Crv = impostor.Crv, X = impostor.X, Y = impostor.Y }]).Json.ToArray();

        var look = await new PublicJwksReader(_http, _url, _time).LookAsync(JwksDocument.Create([ours.PublicKey]), default);

        Assert.True(look.Reachable);
        Assert.Empty(look.ServedKids!);
        Assert.Equal([ours.Kid], look.MismatchedKids);
    }

    [Fact]
    public async Task An_answer_over_the_cap_is_refused_unread_and_says_why()
    {
        // 2 MiB of a valid JWKS's padding: twice the cap.
        _body = [.. "{\"keys\":[],\"pad\":\""u8, .. Enumerable.Repeat((byte)'a', 2 << 20), .. "\"}"u8];

        var look = await new PublicJwksReader(_http, _url, _time).LookAsync(null, default);

        Assert.False(look.Reachable);
        Assert.Equal("an answer over 1024 KiB, refused unread (a JWKS is a few KB)", look.Problem);
    }
}
