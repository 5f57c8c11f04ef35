using System.Net;
using System.Text.Json;
using BoostedGrains.Errors;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace BoostedGrains.Boosted;

/// <summary>Sends requests to Boosted and turns transport failures into the typed errors of the Abstractions.</summary>
internal static class BoostedHttp
{
    /// <summary>Sends <paramref name="request"/>; every failure but the caller's own cancellation becomes <see cref="BoostedUnavailableException"/>.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, string operation, CancellationToken cancellationToken)
    {
        // Inner exceptions are left out on purpose: Polly and socket exceptions are not Orleans-serializable and add
        // nothing a caller can act on beyond the sentence below.
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException e)
        {
            throw new BoostedUnavailableException(
                $"{operation}: Boosted has been failing, so this silo pauses its calls (circuit open); retry later.", null, e.RetryAfter);
        }
        catch (RateLimiterRejectedException e)
        {
            throw new BoostedUnavailableException(
                $"{operation}: too many calls to Boosted are already waiting in this silo (more than Boosted__MaxQueuedRequests, or longer than Boosted__MaxQueueWait); retry later.", null, e.RetryAfter);
        }
        catch (Exception e) when (e is TimeoutRejectedException or OperationCanceledException)
        {
            throw new BoostedUnavailableException(
                $"{operation}: Boosted did not answer in time (Boosted__RequestTimeout, Boosted__TotalRequestTimeout); retry later.");
        }
        catch (HttpRequestException e)
        {
            throw new BoostedUnavailableException(
                $"{operation}: Boosted could not be reached at {request.RequestUri?.GetLeftPart(UriPartial.Authority)} ({e.HttpRequestError}); check Boosted__BaseUrl and the network.");
        }
        if ((int)response.StatusCode is >= 300 and < 400)
        {
            // Never followed (the handlers do not redirect): the token request carries the client secret, and every
            // other request a management token, which must reach no host but Boosted.
            var status = (int)response.StatusCode;
            var target = response.Headers.Location is { IsAbsoluteUri: true } location ? $" to {Clean(location.GetLeftPart(UriPartial.Authority), 100)}" : "";
            response.Dispose();
            throw new BoostedRequestException(
                $"{operation}: Boosted answered with a redirect (HTTP {status}){target}, which is not followed because the request carries credentials: " +
                "set Boosted__BaseUrl (and Boosted__TokenEndpoint) to the address that answers itself.", status, "redirect_refused");
        }
        return response;
    }

    /// <summary>True for answers that mean "try again later": 408, 429 and 5xx.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>
    /// The error for a transient answer that is left after every retry was spent. A <c>Retry-After</c> past
    /// <paramref name="maxRetryAfter"/> is reported as the cap, which is how long the silo then holds its calls back.
    /// </summary>
    public static BoostedUnavailableException Unavailable(string operation, HttpResponseMessage response, TimeSpan maxRetryAfter, TimeProvider time)
    {
        var status = (int)response.StatusCode;
        var retryAfter = BoostedResilience.RetryAfter(response, time);
        if (retryAfter > maxRetryAfter)
            return new($"{operation}: Boosted asked this silo to wait {retryAfter:g} (HTTP {status}), longer than Boosted__MaxRetryAfter ({maxRetryAfter:g}): " +
                "it holds its calls to Boosted back for that cap instead; retry after it, and ask Boosted why it throttles this client.", status, maxRetryAfter);
        return new($"{operation}: Boosted answered HTTP {status} after every retry; retry later.", status, retryAfter);
    }

    /// <summary>The response body as JSON, or null when it is empty or not JSON.</summary>
    public static async Task<JsonDocument?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(stream, default, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Text from Boosted that is safe to repeat in an exception: printable, short. Only used for account-management
    /// answers, which describe our own request, never for the token endpoint's descriptions.
    /// </summary>
    public static string Clean(string? text, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(text))
            return "no reason given";
        var printable = new string(text.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return printable.Length <= maxLength ? printable : printable[..maxLength] + "...";
    }
}
