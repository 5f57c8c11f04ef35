using System.Globalization;
using System.Net;

namespace BoostedGrains.Diagnostics;

/// <summary>
/// Sits inside the resilience pipeline of a Boosted client, so it sees every attempt: counts error answers by status
/// and records whether Boosted was reachable. It reads only the status line, never a header or body.
/// </summary>
public sealed class BoostedResponseObserver(BoostedGrainsMetrics metrics, BoostedReachability reachability, string api) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            Fail("unreachable");
            throw;
        }
        catch (OperationCanceledException)
        {
            // The attempt timed out (or the caller gave up): either way Boosted did not answer in time.
            Fail("timeout");
            throw;
        }

        var status = response.StatusCode;
        // A 429 is Boosted answering and asking us to slow down: reachable.
        var failing = status is HttpStatusCode.RequestTimeout || (int)status >= 500;
        reachability.Record(!failing);
        if ((int)status >= 400)
            metrics.BoostedError(api, ((int)status).ToString(CultureInfo.InvariantCulture));
        return response;
    }

    private void Fail(string status)
    {
        reachability.Record(false);
        metrics.BoostedError(api, status);
    }
}
