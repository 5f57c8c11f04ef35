namespace BoostedGrains.Emulator.Threads;

/// <summary>A thread owned by one Boosted user of one partner. Mutated only under the store's lock.</summary>
internal sealed class ChatThread(Guid id, string clientId, Guid userId, string name)
{
    public Guid Id { get; } = id;

    public string ClientId { get; } = clientId;

    public Guid UserId { get; } = userId;

    public string Name { get; } = name;

    public List<ChatMessage> Messages { get; } = [];
}
