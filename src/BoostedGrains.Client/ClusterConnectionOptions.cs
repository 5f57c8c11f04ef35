using System.ComponentModel.DataAnnotations;
using System.Net;
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
    /// <c>Cluster__MembershipTableSasUrl</c> (app servers only): a SAS URL of the membership table
    /// (<c>https://ACCOUNT.table.core.windows.net/OrleansSiloInstances?sv=…&amp;tn=OrleansSiloInstances&amp;sp=r&amp;sig=…</c>) with
    /// read permission only. The client finds the gateways with it and holds no account key. Wins over
    /// <see cref="AzureTableConnectionString"/>.
    /// </summary>
    public Uri? MembershipTableSasUrl { get; set; }

    /// <summary>
    /// <c>Cluster__Gateways__0</c>, ... (app servers only): a fixed list of silo gateways as <c>IP:port</c>; the client then
    /// reads no storage at all. Wins over every other way of finding the cluster.
    /// </summary>
    public List<string> Gateways { get; set; } = [];

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
    public ClusterConnectionOptions Validated()
    {
        StartupValidation.Validated(this);
        var failures = new List<string>();
        for (var i = 0; i < Gateways.Count; i++)
        {
            if (!IPEndPoint.TryParse(Gateways[i], out var endpoint) || endpoint.Port == 0)
                failures.Add($"Cluster__Gateways__{i} is not IP:port (for example 10.0.0.4:30000): give each silo gateway's address and Cluster__GatewayPort.");
        }
        if (MembershipTableSasUrl is { } sas && (!sas.IsAbsoluteUri || sas.AbsolutePath.Trim('/').Length == 0 || !sas.Query.Contains("sig=", StringComparison.Ordinal)))
            failures.Add("Cluster__MembershipTableSasUrl is not a table SAS URL: give the membership table's URL with a read-only SAS query " +
                "(https://ACCOUNT.table.core.windows.net/OrleansSiloInstances?sv=...&tn=OrleansSiloInstances&sp=r&sig=...).");
        if (failures.Count > 0)
            throw new Microsoft.Extensions.Options.OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, GetType(), failures);
        return this;
    }

    /// <summary>The gateways of <see cref="Gateways"/> as endpoints (after <see cref="Validated"/>).</summary>
    public IReadOnlyList<IPEndPoint> GatewayEndpoints() => [.. Gateways.Select(IPEndPoint.Parse)];
}
