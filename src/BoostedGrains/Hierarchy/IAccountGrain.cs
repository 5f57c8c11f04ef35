using BoostedGrains.Security;

namespace BoostedGrains.Hierarchy;

/// <summary>
/// A Boosted Workspace, which the partner calls an account (key: the partner's external workspace ID), created in
/// Boosted at most once, under its organization. Internal to the silos: it creates in Boosted with the management token.
/// </summary>
[SiloCallersOnly]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the workspace (and its organization, <c>Boosted__DefaultOrganization__ExternalId</c>) unless it exists,
    /// adopting on 409; returns the Boosted IDs.
    /// </summary>
    Task<WorkspaceInfo> EnsureCreatedAsync();

    /// <summary>The Boosted IDs, or null while the workspace has not been ensured.</summary>
    Task<WorkspaceInfo?> GetInfoAsync();
}
