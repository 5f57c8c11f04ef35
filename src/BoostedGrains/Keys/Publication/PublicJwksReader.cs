using System.Net;
using System.Net.Http.Headers;
using BoostedGrains.Boosted;
using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Keys;

/// <summary>
/// Reads a JWKS URL as an outside verifier does: a fresh cached response (<c>Cache-Control: max-age</c>, or else
/// <c>Expires</c>, less <c>Age</c>) is reused without a request; a stale one is revalidated with <c>If-None-Match</c>, and a 304 keeps it.
/// So a CDN that caches for days shows here exactly as it shows to Boosted. A served key counts as one of
/// <c>ours</c> only when its key material has the same RFC 7638 thumbprint, not merely the same <c>kid</c>.
/// </summary>
internal sealed class PublicJwksReader(HttpClient http, Uri url, TimeProvider time)
{
    private Cached? _cached;

    /// <summary>Looks at the URL and compares what it serves with <paramref name="ours"/>, the JWKS this silo serves.</summary>
    public async Task<PublicJwksLook> LookAsync(JwksDocument? ours, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cached is { } fresh && now < fresh.FreshUntil)
            return Compare(fresh.Served, ours, now);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (_cached?.ETag is { } etag)
            request.Headers.IfNoneMatch.Add(etag);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotModified && _cached is { } revalidated)
            {
                _cached = revalidated with { FreshUntil = FreshUntil(response, now) };
                return Compare(revalidated.Served, ours, now);
            }
            if (!response.IsSuccessStatusCode)
                return new PublicJwksLook(null, $"HTTP {(int)response.StatusCode}", now);
            if (await BoundedBody.ReadAsync(response.Content, BoundedBody.MaxBytes, cancellationToken) is not { } body)
                return new PublicJwksLook(null, $"an answer over {BoundedBody.MaxBytes / 1024} KiB, refused unread (a JWKS is a few KB)", now);
            var served = Thumbprints(new JsonWebKeySet(System.Text.Encoding.UTF8.GetString(body)));
            _cached = new Cached(served, response.Headers.ETag, FreshUntil(response, now));
            return Compare(served, ours, now);
        }
        catch (Exception e) when (e is HttpRequestException or ArgumentException or System.Text.Json.JsonException
                                      || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The message names the network error or the parse failure; a JWKS holds no secret.
            return new PublicJwksLook(null, e is TaskCanceledException ? "timed out" : e.Message, now);
        }
    }

    /// <summary>
    /// The served kids whose key material is ours: a kid this silo serves with another thumbprint is reported as
    /// mismatched, and a kid it does not serve (yet) is not counted, since its material cannot be compared.
    /// </summary>
    private static PublicJwksLook Compare(IReadOnlyList<(string Kid, string? Thumbprint)> served, JwksDocument? ours, DateTimeOffset now)
    {
        var expected = ours is null ? [] : Thumbprints(new JsonWebKeySet(System.Text.Encoding.UTF8.GetString(ours.Json.Span)))
            .Where(k => k.Thumbprint is not null).ToDictionary(k => k.Kid, k => k.Thumbprint!, StringComparer.Ordinal);
        var matching = new List<string>();
        var mismatched = new List<string>();
        foreach (var (kid, thumbprint) in served)
        {
            if (!expected.TryGetValue(kid, out var wanted))
                continue;
            (thumbprint == wanted ? matching : mismatched).Add(kid);
        }
        return new PublicJwksLook(matching, null, now) { OtherKids = [.. served.Select(k => k.Kid).Where(kid => !expected.ContainsKey(kid))], MismatchedKids = mismatched };
    }

    // The RFC 7638 thumbprint of each key's public members (null for a key type it is not defined for here).
    private static List<(string Kid, string? Thumbprint)> Thumbprints(JsonWebKeySet set) =>
        [.. set.Keys.Where(k => k.Kid is not null).Select(k => (k.Kid, Thumbprint(k)))];

    private static string? Thumbprint(JsonWebKey key)
    {
        try
        {
            return Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        }
        catch (ArgumentException)
        {
            return null;
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

    private sealed record Cached(IReadOnlyList<(string Kid, string? Thumbprint)> Served, EntityTagHeaderValue? ETag, DateTimeOffset FreshUntil);
}
