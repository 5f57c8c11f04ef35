using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BoostedGrains.SampleApp;

/// <summary>Boosted's Threads API (docs/boosted-api.md §5). The HttpClient's token handler supplies the user's token.</summary>
public sealed class ThreadsClient(HttpClient http)
{
    /// <summary>Creates a thread for the current user; returns its ID.</summary>
    public async Task<string> CreateAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("v2/threads", new JsonObject { ["thread_name"] = name }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        return body?["thread_id"]?.GetValue<string>() ?? throw new InvalidOperationException("Boosted answered without a thread_id.");
    }

    /// <summary>The current user's threads.</summary>
    public async Task<IReadOnlyList<ThreadSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var body = await http.GetFromJsonAsync<ThreadList>("v2/threads", cancellationToken);
        return body?.Threads ?? [];
    }

    private sealed record ThreadList([property: System.Text.Json.Serialization.JsonPropertyName("threads")] List<ThreadSummary> Threads);
}
