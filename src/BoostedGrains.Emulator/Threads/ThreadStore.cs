using BoostedGrains.Emulator.Hosting;

namespace BoostedGrains.Emulator.Threads;

/// <summary>Threads and their messages, each thread visible only to the user who created it.</summary>
internal sealed class ThreadStore(EmulatorClock clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, ChatThread> _threads = [];

    public Guid Create(string clientId, Guid userId, string name)
    {
        var thread = new ChatThread(Guid.NewGuid(), clientId, userId, name);
        lock (_lock)
        {
            _threads[thread.Id] = thread;
        }

        return thread.Id;
    }

    public IReadOnlyList<(Guid Id, string Name)> List(string clientId, Guid userId)
    {
        lock (_lock)
        {
            return _threads.Values.Where(t => t.ClientId == clientId && t.UserId == userId).Select(t => (t.Id, t.Name)).ToList();
        }
    }

    /// <summary>Adds the user's message and the emulated reply; false when the thread is not this user's.</summary>
    public bool Send(string clientId, Guid userId, Guid threadId, string message)
    {
        lock (_lock)
        {
            if (Owned(clientId, userId, threadId) is not { } thread)
            {
                return false;
            }

            var now = clock.UtcNow;
            var input = new ChatMessage(Guid.NewGuid(), message, true, now, null);
            thread.Messages.Add(input);
            thread.Messages.Add(new ChatMessage(Guid.NewGuid(), $"Emulated reply to: {message}", false, now, input.Id));
            return true;
        }
    }

    /// <summary>The thread's messages in order, or null when the thread is not this user's.</summary>
    public IReadOnlyList<ChatMessage>? Messages(string clientId, Guid userId, Guid threadId)
    {
        lock (_lock)
        {
            return Owned(clientId, userId, threadId)?.Messages.ToList();
        }
    }

    /// <summary>Every answered user message of this partner sent within [from, to) (UTC).</summary>
    public IReadOnlyList<AnalyticsRow> Export(string clientId, DateTimeOffset from, DateTimeOffset to)
    {
        lock (_lock)
        {
            var rows = new List<AnalyticsRow>();
            foreach (var thread in _threads.Values.Where(t => t.ClientId == clientId))
            {
                foreach (var reply in thread.Messages.Where(m => m.ReplyTo is not null))
                {
                    var input = thread.Messages.First(m => m.Id == reply.ReplyTo);
                    if (input.Time >= from && input.Time < to)
                    {
                        rows.Add(new AnalyticsRow(input.Text, reply.Text, input.Id, input.Time, thread.Id, thread.UserId));
                    }
                }
            }

            return rows.OrderBy(r => r.Time).ToList();
        }
    }

    private ChatThread? Owned(string clientId, Guid userId, Guid threadId) =>
        _threads.TryGetValue(threadId, out var thread) && thread.ClientId == clientId && thread.UserId == userId ? thread : null;
}
