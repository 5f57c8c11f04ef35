using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using BoostedGrains.Testing;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>One HTTP client per silo's token API, with the gateway API key.</summary>
internal sealed class SiloApis : IDisposable
{
    private readonly TopologySettings _settings;
    private readonly HttpClient?[] _clients;

    public SiloApis(TopologySettings settings)
    {
        _settings = settings;
        _clients = [.. settings.Silos.Select((_, i) => Create(i))];
    }

    public int Count => _clients.Length;

    /// <summary>A restarted silo gets a fresh client: the old one's pooled connections went with the old process.</summary>
    public void Reconnect(int silo)
    {
        var old = _clients[silo];
        _clients[silo] = Create(silo);
        old?.Dispose();
    }

    /// <summary>The access token, or what went wrong (an error status or exception; never a token).</summary>
    public async Task<Answer> GetTokenAsync(int silo, string user)
    {
        try
        {
            using var response = await _clients[silo]!.PostAsync($"/v1/users/{user}/token", null);
            if (!response.IsSuccessStatusCode)
                return new Answer(null, $"silo {silo} answered {(int)response.StatusCode} {await DescribeProblemAsync(response)}");
            var token = (await response.Content.ReadFromJsonAsync<TokenAnswer>())?.AccessToken;
            return token is null ? new Answer(null, $"silo {silo} answered no access_token") : new Answer(token, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Answer(null, $"silo {silo}: {e.GetType().Name}: {e.Message}");
        }
    }

    // The problem answer's code and detail (fixed sentences of the API, never a secret): what kind of failure it was.
    private static async Task<string> DescribeProblemAsync(HttpResponseMessage response)
    {
        try
        {
            return (await response.Content.ReadFromJsonAsync<Problem>()) is { } problem ? $"{problem.Code}: {problem.Detail}" : "(no problem answer)";
        }
        catch (System.Text.Json.JsonException)
        {
            return "(no problem answer)";
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients)
            client?.Dispose();
    }

    private HttpClient Create(int silo)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_settings.Silos[silo].Http}"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _settings.ApiKey);
        return client;
    }

    public sealed record Answer(string? Token, string? Error);

    private sealed record Problem([property: JsonPropertyName("code")] string? Code, [property: JsonPropertyName("detail")] string? Detail);

    private sealed record TokenAnswer([property: JsonPropertyName("access_token")] string AccessToken);
}
