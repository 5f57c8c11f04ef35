using System.Net;
using System.Net.Http.Headers;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Configuration;

namespace BoostedGrains.Client;

/// <summary>
/// Attaches the current user's Boosted token to each request. On 401 it reports the token (the cluster renews it once
/// for all reporters) and, for the configured methods, sends the request once more with the renewed token. It never
/// sends a request without a token: if none can be had it throws <see cref="BoostedTokenUnavailableException"/>. It sends
/// nothing to a host outside <see cref="BoostedUserTokenOptions.AllowedHosts"/> (<see cref="BoostedHostNotAllowedException"/>).
/// </summary>
public sealed class BoostedUserTokenHandler(IBoostedTokenProvider tokens, IBoostedUserAccessor users, BoostedUserTokenOptions options, IConfiguration? configuration = null)
    : DelegatingHandler
{
    private readonly IReadOnlySet<string> _hosts = options.EffectiveAllowedHosts(configuration);

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Checked before the user's token is fetched: a token must never reach a host that is not Boosted's, and a
        // request that was meant to carry one is refused rather than sent bare.
        if (request.RequestUri is not { IsAbsoluteUri: true } uri || !_hosts.Contains(uri.Host))
            throw new BoostedHostNotAllowedException(
                $"The request to {request.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "(no URL)"} was not sent: Boosted tokens go only to {string.Join(", ", _hosts.Order())}. " +
                "Set Boosted__BaseUrl on this app server to Boosted's API URL, add the host to BoostedUserTokenOptions.AllowedHosts, or send this request with an HttpClient without the token handler.");
        var userId = await users.GetUserIdAsync(cancellationToken)
            ?? throw new BoostedTokenUnavailableException(
                $"No current user: {users.GetType().Name} returned no user ID, so the request to {request.RequestUri?.GetLeftPart(UriPartial.Path)} was not sent.");
        var token = await GetTokenAsync(userId, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
            return response;

        await tokens.ReportRejectedAsync(userId, token, cancellationToken);
        if (!options.RetryMethods.Contains(request.Method))
            return response;
        var renewed = await GetTokenAsync(userId, cancellationToken);
        // The same token again means the cluster does not consider it rejected: resending would only repeat the 401.
        if (renewed.Value == token.Value)
            return response;

        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", renewed.Value);
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<AccessToken> GetTokenAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            return await tokens.GetTokenAsync(userId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The cluster's errors are typed and safe to repeat (no token or secret); keep them as the inner exception.
            throw new BoostedTokenUnavailableException($"No Boosted token could be obtained for the current user, so the request was not sent: {e.Message}", e);
        }
    }
}
