namespace BoostedGrains.Emulator.Hosting;

/// <summary>One entry of a 422 <c>detail</c> list.</summary>
internal sealed record ValidationError(IReadOnlyList<string> Location, string Message, string Type)
{
    public static ValidationError Body(string field, string message, string type) => new(["body", field], message, type);

    public static ValidationError Query(string field, string message, string type) => new(["query", field], message, type);
}
