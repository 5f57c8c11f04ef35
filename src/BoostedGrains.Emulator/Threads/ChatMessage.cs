namespace BoostedGrains.Emulator.Threads;

/// <summary>One message of a thread; <see cref="ReplyTo"/> links an assistant reply to the user's input.</summary>
internal sealed record ChatMessage(Guid Id, string Text, bool IsUserMessage, DateTimeOffset Time, Guid? ReplyTo);
