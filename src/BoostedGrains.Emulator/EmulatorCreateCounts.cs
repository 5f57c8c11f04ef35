namespace BoostedGrains.Emulator;

/// <summary>Entities created by the Account Management API, per kind.</summary>
/// <param name="Org">Organizations created.</param>
/// <param name="Workspace">Workspaces created.</param>
/// <param name="User">Users created.</param>
public sealed record EmulatorCreateCounts(long Org, long Workspace, long User);
