namespace BoostedGrains.SampleApp;

/// <summary>The body of <c>POST /threads</c>.</summary>
public sealed record CreateThreadRequest(string? Name);
