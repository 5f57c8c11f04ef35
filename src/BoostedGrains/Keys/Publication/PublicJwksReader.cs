using System.Net;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Keys;

/// <summary>
/// Reads a JWKS URL as an outside verifier does: a fresh cached response (<c>Cache-Control: max-age</c>, or else
/// <c>Expires</c>, less <c>Age</c>) is reused without a request; a stale one is revalidated with <c>If-None-Match</c>, and a 304 keeps it.
/// So a CDN that caches for days shows here exactly as it shows to Boosted.
/// </summary>
internal sealed class PublicJwksReader(HttpClient http, Uri url, TimeProvider time)
{
    private Cached? _cached;

    public async Task<PublicJwksLook> LookAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cached is { } fresh && now < fresh.FreshUntil)
            return new PublicJwksLook(fresh.Kids, null, now);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (_cached?.ETag is { } etag)
            request.Headers.IfNoneMatch.Add(etag);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotModified && _cached is { } revalidated)
            {
                _cached = revalidated with { FreshUntil = FreshUntil(response, now) };
                return new PublicJwksLook(revalidated.Kids, null, now);
            }
            if (!response.IsSuccessStatusCode)
                return new PublicJwksLook(null, $"HTTP {(int)response.StatusCode}", now);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var kids = new JsonWebKeySet(body).Keys.Select(k => k.Kid).OfType<string>().ToList();
            _cached = new Cached(kids, response.Headers.ETag, FreshUntil(response, now));
            return new PublicJwksLook(kids, null, now);
        }
        catch (Exception e) when (e is HttpRequestException or ArgumentException or System.Text.Json.JsonException
                                      || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The message names the network error or the parse failure; a JWKS holds no secret.
            return new PublicJwksLook(null, e is TaskCanceledException ? "timed out" : e.Message, now);
        }
    }

    private static DateTimeOffset FreshUntil(HttpResponseMessage response, DateTimeOffset now)
    {
        var cache = response.Headers.CacheControl;
        if (cache is not null && (cache.NoStore || cache.NoCache))
            return now;
        // A max-age wins over Expires (RFC 9111 §4.2.1); Expires counts from the response's own Date.
        var lifetime = cache?.SharedMaxAge ?? cache?.MaxAge
            ?? (response.Content.Headers.Expires is { } expires ? expires - (response.Headers.Date ?? now) : TimeSpan.Zero);
        var left = lifetime - (response.Headers.Age ?? TimeSpan.Zero);
        return left > TimeSpan.Zero ? now + left : now;
    }

    private sealed record Cached(IReadOnlyList<string> Kids, EntityTagHeaderValue? ETag, DateTimeOffset FreshUntil);
}
