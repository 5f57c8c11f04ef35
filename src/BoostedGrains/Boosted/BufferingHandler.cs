namespace BoostedGrains.Boosted;

/// <summary>
/// Reads each attempt's whole answer inside the resilience pipeline (it is the innermost handler). Otherwise
/// <c>HttpClient</c> reads the body after the pipeline has returned: a body cut short would escape the retries, and a
/// body that stalls after the headers would escape both timeouts and hang the call.
/// </summary>
internal sealed class BufferingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
