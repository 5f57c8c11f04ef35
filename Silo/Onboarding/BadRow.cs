namespace BoostedGrains.Silo.Onboarding;

/// <summary>A line of an onboarding file that was skipped, and why.</summary>
public sealed record BadRow(int Line, string Reason);
