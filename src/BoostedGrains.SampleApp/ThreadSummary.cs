using System.Text.Json.Serialization;

namespace BoostedGrains.SampleApp;

/// <summary>A Boosted thread as the Threads API lists it.</summary>
public sealed record ThreadSummary(
    [property: JsonPropertyName("thread_id")] string ThreadId,
    [property: JsonPropertyName("thread_name")] string ThreadName);
