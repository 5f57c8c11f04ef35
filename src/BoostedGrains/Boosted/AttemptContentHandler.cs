using Polly;

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
        // The last look at the silo's Retry-After hold, after the (possibly slow) signing and right before the send.
        if (request.GetResilienceContext()?.Properties.TryGetValue(RetryAfterGate.Key, out var gate) == true && gate.HeldBack() is { } held)
        {
            held.RequestMessage = request;
            return held;
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
