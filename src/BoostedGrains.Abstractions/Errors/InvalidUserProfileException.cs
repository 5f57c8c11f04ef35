namespace BoostedGrains.Errors;

/// <summary>A user profile broke the rules of <see cref="Tokens.UserProfile.Validate"/>; nothing was done.</summary>
[GenerateSerializer]
public sealed class InvalidUserProfileException(string message) : ArgumentException(message, "profile");
