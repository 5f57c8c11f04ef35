namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// One API key with its scope (configuration <c>Gateway__Keys__&lt;n&gt;__*</c>). A key given in the short form
/// <c>Gateway__ApiKeys__&lt;name&gt;</c> is unscoped and may not change provisioned users' profiles.
/// </summary>
public sealed class GatewayKeyOptions
{
    /// <summary><c>Gateway__Keys__&lt;n&gt;__Key</c>: the key app servers present as <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public string? Key { get; set; }

    /// <summary><c>Gateway__Keys__&lt;n&gt;__Name</c>: the name logs, metrics and rate limits use (default: <c>&lt;n&gt;</c>).</summary>
    public string? Name { get; set; }

    /// <summary><c>Gateway__Keys__&lt;n&gt;__Workspaces__&lt;i&gt;</c>: the only workspaces (external IDs) the key serves users of; empty: any.</summary>
    public List<string> Workspaces { get; set; } = [];

    /// <summary><c>Gateway__Keys__&lt;n&gt;__UserIdPrefixes__&lt;i&gt;</c>: the key serves only user IDs starting with one of these (ordinal); empty: any.</summary>
    public List<string> UserIdPrefixes { get; set; } = [];

    /// <summary><c>Gateway__Keys__&lt;n&gt;__CanUpdateProfile</c>: may change a provisioned user's email or name (default false).</summary>
    public bool CanUpdateProfile { get; set; }

    /// <summary>
    /// <c>Gateway__Keys__&lt;n&gt;__NewUsersPerMinute</c>: users this key may create in Boosted per minute on each silo
    /// (default <c>Gateway__NewUsersPerMinute</c>; 0: no cap).
    /// </summary>
    public int? NewUsersPerMinute { get; set; }
}
