namespace BoostedGrains.Boosted;

/// <summary>
/// Gives each attempt the body made for it (<see cref="BoostedResilience.AttemptContent"/>). Sits just inside the
/// resilience pipeline, so the body, and the assertion in it, is made only once the attempt has its slot and its turn.
/// </summary>
internal sealed class AttemptContentHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(BoostedResilience.AttemptContent, out var content))
        {
            var previous = request.Content;
            request.Content = await content(cancellationToken);
            previous?.Dispose();
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
