using BoostedGrains.Security;

namespace BoostedGrains.Hierarchy;

/// <summary>
/// A Boosted Organization (key: the partner's external organization ID), created in Boosted at most once, when a user
/// grain first provisions under it. Internal to the silos: it creates in Boosted with the management token.
/// </summary>
[SiloCallersOnly]
public interface IOrgGrain : IGrainWithStringKey
{
    /// <summary>Creates the organization in Boosted unless it exists (adopting it on 409); returns the Boosted <c>org_id</c>.</summary>
    Task<string> EnsureCreatedAsync();

    /// <summary>The Boosted <c>org_id</c>, or null while the organization has not been ensured.</summary>
    Task<string?> GetBoostedIdAsync();
}
