using BoostedGrains.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Integration.Tests.Client;

/// <summary>The app server reads the cluster connection from the Silo's own settings, with the same defaults.</summary>
public sealed class ClusterConnectionOptionsTests
{
    private static BoostedClientOptions Bind(Dictionary<string, string?> settings) =>
        BoostedClientOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Fact]
    public void With_no_settings_the_client_looks_for_the_embedded_silo_on_the_default_gateway()
    {
        var options = Bind([]);

        Assert.Equal("boostedgrains-dev", options.Cluster.ClusterId);
        Assert.Equal("boostedgrains", options.Cluster.ServiceId);
        Assert.Equal([30000], options.EffectiveGatewayPorts);
        Assert.False(options.Cluster.UsesAzureStorage);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ResponseTimeout);
    }

    [Fact]
    public void The_Silo_settings_name_the_cluster_and_BoostedClient_GatewayPorts_win_over_Cluster_GatewayPort()
    {
        var options = Bind(new()
        {
            ["Cluster:ClusterId"] = "prod",
            ["Cluster:GatewayPort"] = "31000",
            ["BoostedClient:GatewayPorts:0"] = "32000",
            ["BoostedClient:GatewayPorts:1"] = "32001",
            ["Storage:AzureTableConnectionString"] = "UseDevelopmentStorage=true",
        });

        Assert.Equal("prod", options.Cluster.ClusterId);
        Assert.Equal(31000, options.Cluster.GatewayPort);
        Assert.Equal([32000, 32001], options.EffectiveGatewayPorts);
        Assert.True(options.Cluster.UsesAzureStorage);
    }

    [Fact]
    public void A_bad_cluster_setting_fails_AddBoostedTokens_naming_the_setting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Cluster:GatewayPort"] = "0", ["Cluster:ClusterId"] = "" });

        var error = Assert.Throws<OptionsValidationException>(() => builder.AddBoostedTokens());

        Assert.Contains("Cluster__GatewayPort must be a TCP port", error.Message);
        Assert.Contains("Cluster__ClusterId is empty", error.Message);
    }
}
