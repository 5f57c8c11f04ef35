namespace BoostedGrains.Errors;

/// <summary>A requested scope set is empty, malformed or names a scope the cluster does not allow; nothing was done.</summary>
[GenerateSerializer]
public sealed class InvalidScopeException(string message) : ArgumentException(message, "scope");
