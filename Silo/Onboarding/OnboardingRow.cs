using BoostedGrains.Tokens;

namespace BoostedGrains.Silo.Onboarding;

/// <summary>One valid user of an onboarding file, with the line it came from.</summary>
public sealed record OnboardingRow(int Line, string UserId, UserProfile Profile);
