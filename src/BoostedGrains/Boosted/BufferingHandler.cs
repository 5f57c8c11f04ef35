using BoostedGrains.Errors;

namespace BoostedGrains.Boosted;

/// <summary>
/// Reads each attempt's whole answer inside the resilience pipeline (it is the innermost handler). Otherwise
/// <c>HttpClient</c> reads the body after the pipeline has returned: a body cut short would escape the retries, and a
/// body that stalls after the headers would escape both timeouts and hang the call. A body past
/// <see cref="BoundedBody.MaxBytes"/> is refused, not retried.
/// </summary>
internal sealed class BufferingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            var body = await BoundedBody.ReadAsync(response.Content, BoundedBody.MaxBytes, cancellationToken);
            if (body is null)
            {
                var status = (int)response.StatusCode;
                throw new BoostedRequestException(
                    $"Boosted answered HTTP {status} with a body over {BoundedBody.MaxBytes / 1024} KiB, far more than any Boosted answer: it was refused unread. " +
                    "Check that Boosted__BaseUrl and Boosted__TokenEndpoint point at Boosted.", status, "response_too_large");
            }
            var buffered = new ByteArrayContent(body);
            foreach (var header in response.Content.Headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            var streamed = response.Content;
            response.Content = buffered;
            streamed.Dispose();
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
