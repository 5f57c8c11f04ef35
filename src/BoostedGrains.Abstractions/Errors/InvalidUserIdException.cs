namespace BoostedGrains.Errors;

/// <summary>A user ID broke the rules of <see cref="Tokens.UserIds"/>; nothing was done.</summary>
[GenerateSerializer]
public sealed class InvalidUserIdException(string message) : ArgumentException(message, "userId");
