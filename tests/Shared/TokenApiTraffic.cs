using System.Net.Http.Headers;

namespace BoostedGrains.Testing;

/// <summary>Requests tokens through a silo's HTTP token API until stopped. Linked into each test project.</summary>
public static class TokenApiTraffic
{
    /// <summary>Asks for a token for a new user each time (so each request is one exchange, one signed assertion); counts the answers.</summary>
    public static async Task<(int Succeeded, int Failed)> RunAsync(Uri baseUrl, string apiKey, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var (succeeded, failed) = (0, 0);
        while (!stop.IsCancellationRequested)
        {
            using var response = await http.PostAsync($"/v1/users/traffic-{Guid.NewGuid():N}/token", null, CancellationToken.None);
            if (response.IsSuccessStatusCode) succeeded++;
            else failed++;
        }
        return (succeeded, failed);
    }
}
