using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace BoostedGrains.Client;

/// <summary>
/// How silos and app servers find the cluster: the shared part of the <c>Cluster</c> section and the <c>Storage</c>
/// section. The silos and every client read these settings through this one type, so their defaults cannot drift apart
/// (a silo binds the <c>Cluster</c> section once, into options that extend these with its own ports and failure detection).
/// </summary>
public class ClusterConnectionOptions
{
    public const string SectionName = "Cluster";

    public const string StorageSectionName = "Storage";

    /// <summary><c>Cluster__ClusterId</c>: silos with the same ID form one cluster; clients join it.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Cluster__ClusterId is empty: give the ID the silos of one cluster share, or leave it unset.")]
    public string ClusterId { get; set; } = "boostedgrains-dev";

    /// <summary><c>Cluster__ServiceId</c>: stable across deployments; keys grain state.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Cluster__ServiceId is empty: give the service's stable ID, or leave it unset.")]
    public string ServiceId { get; set; } = "boostedgrains";

    /// <summary><c>Cluster__GatewayPort</c>: where a silo accepts Orleans clients, and where a client on the same machine finds one.</summary>
    [Range(1, 65535, ErrorMessage = "Cluster__GatewayPort must be a TCP port (1-65535).")]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// <c>Storage__AzureTableConnectionString</c>: when set, silos keep grain state and membership in Azure Table storage
    /// and clients find silos there; unset, localhost clustering and in-memory state (the embedded default).
    /// </summary>
    public string? AzureTableConnectionString { get; set; }

    /// <summary>True when <see cref="AzureTableConnectionString"/> is set.</summary>
    public bool UsesAzureStorage => !string.IsNullOrWhiteSpace(AzureTableConnectionString);

    /// <summary>
    /// The <c>Cluster</c> and <c>Storage</c> sections of <paramref name="configuration"/>. Read while the host is
    /// composed, because the clustering provider is chosen from them; call <see cref="Validated"/> once code has had its say.
    /// </summary>
    public static ClusterConnectionOptions Bind(IConfiguration configuration) => Bind(configuration, new ClusterConnectionOptions());

    /// <summary>The <c>Cluster</c> and <c>Storage</c> sections of <paramref name="configuration"/>, bound into <paramref name="options"/>.</summary>
    public static TOptions Bind<TOptions>(IConfiguration configuration, TOptions options) where TOptions : ClusterConnectionOptions
    {
        configuration.GetSection(SectionName).Bind(options);
        configuration.GetSection(StorageSectionName).Bind(options);
        return options;
    }

    /// <summary>These options, or an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> that names each bad setting.</summary>
    public ClusterConnectionOptions Validated() => StartupValidation.Validated(this);
}
