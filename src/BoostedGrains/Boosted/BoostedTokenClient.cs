using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using BoostedGrains.Diagnostics;
using BoostedGrains.Errors;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Boosted;

/// <summary>Boosted's token endpoint (docs/boosted-api.md §3): exchanges a signed assertion for an access token.</summary>
public sealed partial class BoostedTokenClient(HttpClient http, IOptions<BoostedOptions> options, TimeProvider time, BoostedGrainsMetrics metrics)
{
    private const string Operation = "Token exchange";

    // Boosted documents one hour; RFC 6749 makes expires_in only recommended, so its absence is not an error.
    private static readonly TimeSpan DocumentedLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// Exchanges <paramref name="assertion"/> for a token with <paramref name="scope"/>. Throws
    /// <see cref="BoostedAuthException"/> when Boosted refuses, <see cref="BoostedUnavailableException"/> when it cannot answer.
    /// A retry resends the same assertion, so only tests use it: the grains use the overload that signs a fresh one per attempt.
    /// </summary>
    internal Task<AccessToken> ExchangeAsync(string assertion, string scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        return ExchangeAsync(_ => ValueTask.FromResult(assertion), scope, cancellationToken);
    }

    /// <summary>
    /// Exchanges an assertion from <paramref name="sign"/> for a token with <paramref name="scope"/>. Each attempt signs
    /// its own (new <c>jti</c>, fresh <c>iat</c>) once it holds its slot and its turn: a queue longer than an assertion's
    /// lifetime never sends a stale one, an attempt whose answer was lost may have been accepted, and Boosted refuses a
    /// replayed <c>jti</c>.
    /// </summary>
    public async Task<AccessToken> ExchangeAsync(Func<CancellationToken, ValueTask<string>> sign, string scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sign);
        // Only a scope of the safe alphabet is used as a tag; the assertion and the token never are.
        var scopeTag = SafeCode().IsMatch(scope) ? scope : "other";
        using var activity = BoostedActivitySource.Instance.StartActivity("boostedgrains.exchange", ActivityKind.Client);
        activity?.SetTag("boostedgrains.scope", scopeTag);
        var started = time.GetTimestamp();
        var outcome = "error";
        try
        {
            var token = await ExchangeCoreAsync(sign, scope, cancellationToken);
            outcome = "success";
            return token;
        }
        catch (Exception e)
        {
            outcome = e switch
            {
                BoostedAuthException => "refused",
                BoostedUnavailableException => "unavailable",
                OperationCanceledException => "canceled",
                _ => "error",
            };
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            activity?.SetTag("boostedgrains.outcome", outcome);
            metrics.Exchanged(scopeTag, outcome, time.GetElapsedTime(started));
        }
    }

    private async Task<AccessToken> ExchangeCoreAsync(Func<CancellationToken, ValueTask<string>> sign, string scope, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.ResolveTokenEndpoint());
        // Signed on the thread pool, not in the calling grain's turn: signing is CPU work (RS256: about half a millisecond),
        // so the grain keeps serving its other callers meanwhile and a storm's signatures spread over all cores.
        request.Options.Set(BoostedResilience.AttemptContent, async ct => (HttpContent)Form(settings, await Task.Run(() => sign(ct).AsTask(), ct), scope));
        // Taken before sending, so the computed expiry is never later than Boosted's.
        var sentAt = time.GetUtcNow();
        using var response = await BoostedHttp.SendAsync(http, request, Operation, cancellationToken);
        if (response.IsSuccessStatusCode)
            return await ReadTokenAsync(response, scope, sentAt, cancellationToken);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized)
            throw await RefusalAsync(response, scope, cancellationToken);
        if (BoostedHttp.IsTransient(response.StatusCode))
            throw BoostedHttp.Unavailable(Operation, response, settings.MaxRetryAfter, time);
        throw new BoostedRequestException(
            $"{Operation}: Boosted answered HTTP {(int)response.StatusCode}, which its token endpoint does not document; check Boosted__TokenEndpoint.",
            (int)response.StatusCode);
    }

    private static FormUrlEncodedContent Form(BoostedOptions settings, string assertion, string scope) => new(
    [
        new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
        new("subject_token", assertion),
        new("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
        new("client_id", settings.ClientId),
        new("client_secret", settings.ClientSecret),
        new("scope", scope),
    ]);

    private static async Task<AccessToken> ReadTokenAsync(HttpResponseMessage response, string scope, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        using var json = await BoostedHttp.ReadJsonAsync(response, cancellationToken);
        if (json?.RootElement is not { ValueKind: JsonValueKind.Object } root
            || !root.TryGetProperty("access_token", out var value) || value.ValueKind != JsonValueKind.String
            || value.GetString() is not { Length: > 0 } token)
            throw Malformed("no access_token");
        // App servers put the token in an Authorization header: anything outside visible ASCII (a CR/LF above all)
        // would break or inject into their requests.
        if (!token.All(c => c is > ' ' and < (char)0x7F))
            throw Malformed("an access_token holding characters that cannot go in a header");

        var lifetime = DocumentedLifetime;
        if (root.TryGetProperty("expires_in", out var expiresIn))
        {
            if (expiresIn.ValueKind != JsonValueKind.Number || !expiresIn.TryGetDouble(out var seconds) || seconds <= 0 || seconds > TimeSpan.FromDays(365).TotalSeconds)
                throw Malformed("an expires_in that is not a positive number of seconds");
            lifetime = TimeSpan.FromSeconds(seconds);
        }

        // The granted scope is almost always the one asked for: then the token keeps the caller's string, not a copy.
        var granted = root.TryGetProperty("scope", out var s) && s.ValueKind == JsonValueKind.String && !s.ValueEquals(scope)
            && s.GetString() is { Length: > 0 } g ? g : scope;
        return new AccessToken(token, sentAt + lifetime, granted);
    }

    private static BoostedRequestException Malformed(string what) =>
        new($"{Operation}: Boosted answered 200 with {what}; check that Boosted__TokenEndpoint is Boosted's token endpoint.", 200, "invalid_response");

    private static async Task<BoostedAuthException> RefusalAsync(HttpResponseMessage response, string scope, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        using var json = await BoostedHttp.ReadJsonAsync(response, cancellationToken);
        // error_description is never repeated: a verifier may quote the assertion or the request back in it.
        var code = json?.RootElement is { ValueKind: JsonValueKind.Object } root
            && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
            && e.GetString() is { } c && SafeCode().IsMatch(c) ? c : null;
        var shownScope = SafeCode().IsMatch(scope) ? $"'{scope}'" : "requested";
        var message = code switch
        {
            "invalid_client" =>
                $"Boosted rejected the client credentials (invalid_client, HTTP {status}): check Boosted__ClientId and Boosted__ClientSecret.",
            "invalid_grant" =>
                $"Boosted rejected the assertion (invalid_grant, HTTP {status}): check that Jwks__PublicUrl is registered with Boosted and serves the signing key, " +
                "that this machine's clock is right, that Boosted__Audience and Boosted__ClientId are what Boosted issued, and that the subject is a user Boosted knows (Boosted__SubjectClaim).",
            "invalid_scope" =>
                $"Boosted refused the {shownScope} scope (invalid_scope, HTTP {status}): check Boosted__UserScope and the scopes Boosted allows your client.",
            "invalid_request" =>
                $"Boosted rejected the token request as malformed (invalid_request, HTTP {status}): check that Boosted__ClientId and Boosted__ClientSecret are set and Boosted__TokenEndpoint is right.",
            _ =>
                $"Boosted refused the token exchange (HTTP {status}, error '{code ?? "none"}'): check the Boosted__ settings and that Jwks__PublicUrl is registered with Boosted.",
        };
        return new BoostedAuthException(message, code, status);
    }

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex SafeCode();
}
