namespace BoostedGrains.Silo.Gateway;

/// <summary>A configured API key as the token API applies it: its name, the setting it came from, its scope and permissions.</summary>
public sealed record GatewayKey(
    string Name, string Setting, string Key, IReadOnlyList<string> Workspaces, IReadOnlyList<string> UserIdPrefixes,
    bool CanUpdateProfile, int NewUsersPerMinute)
{
    /// <summary>True when the key is limited to some workspaces.</summary>
    public bool HasWorkspaceScope => Workspaces.Count > 0;

    /// <summary>Whether the key may serve <paramref name="userId"/> by its prefixes.</summary>
    public bool AllowsUser(string userId)
    {
        if (UserIdPrefixes.Count == 0)
            return true;
        foreach (var prefix in UserIdPrefixes)
        {
            if (userId.StartsWith(prefix, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>Whether the key may serve users of <paramref name="workspace"/> (external ID).</summary>
    public bool AllowsWorkspace(string? workspace) =>
        !HasWorkspaceScope || (workspace is not null && Workspaces.Contains(workspace, StringComparer.Ordinal));

    /// <inheritdoc />
    public override string ToString() => $"GatewayKey {{ Name = {Name}, Setting = {Setting}, Key = *** }}";
}
