namespace BoostedGrains.Tests.Tokens;

/// <summary>One request as the server saw it; <see cref="At"/> is taken on arrival, from a monotonic clock.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string Body, string? Authorization, TimeSpan At);
