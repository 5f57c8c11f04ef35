namespace BoostedGrains.Emulator.Threads;

/// <summary>One exported exchange: the user's input and the reply to it.</summary>
internal sealed record AnalyticsRow(string Input, string Response, Guid MessageId, DateTimeOffset Time, Guid ThreadId, Guid UserId);
