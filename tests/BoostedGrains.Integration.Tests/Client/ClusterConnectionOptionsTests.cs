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

    [Theory]
    [InlineData("Cluster:Gateways:1", "gateway.internal:30000", "Cluster__Gateways__1 is not IP:port")]
    [InlineData("Cluster:Gateways:1", "10.0.0.5", "Cluster__Gateways__1 is not IP:port")]
    [InlineData("Cluster:MembershipTableSasUrl", "https://acct.table.core.windows.net/OrleansSiloInstances", "Cluster__MembershipTableSasUrl is not a table SAS URL")]
    [InlineData("Cluster:MembershipTableSasUrl", "https://acct.table.core.windows.net/?sv=2019&sig=abc", "Cluster__MembershipTableSasUrl is not a table SAS URL")]
    public void A_gateway_list_or_SAS_URL_that_cannot_work_fails_naming_the_setting(string key, string value, string expected)
    {
        var options = Bind(new() { ["Cluster:Gateways:0"] = "10.0.0.4:30000", [key] = value });

        var failure = Assert.Throws<OptionsValidationException>(() => options.Validated());

        Assert.StartsWith(expected, failure.Message);
    }

    [Fact]
    public void A_valid_gateway_list_and_SAS_URL_are_accepted()
    {
        var options = Bind(new()
        {
            ["Cluster:Gateways:0"] = "10.0.0.4:30000",
            ["Cluster:Gateways:1"] = "[fd00::5]:30000",
            ["Cluster:MembershipTableSasUrl"] = "https://acct.table.core.windows.net/OrleansSiloInstances?sv=2019-02-02&tn=OrleansSiloInstances&sp=r&sig=abc",
        });

        Assert.Equal(["10.0.0.4:30000", "[fd00::5]:30000"], options.Validated().Cluster.GatewayEndpoints().Select(e => e.ToString()));
    }
}
