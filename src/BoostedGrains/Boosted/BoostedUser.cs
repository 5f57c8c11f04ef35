namespace BoostedGrains.Boosted;

/// <summary>A user as Boosted holds it: its <c>user_id</c> and the <c>workspace_id</c> it belongs to.</summary>
public sealed record BoostedUser(string UserId, string WorkspaceId);
