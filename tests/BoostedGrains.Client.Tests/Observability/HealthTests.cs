using System.Net;
using BoostedGrains.Client.Tests.Infrastructure;
using BoostedGrains.Emulator;

namespace BoostedGrains.Client.Tests.Observability;

public sealed class HealthTests
{
    [Fact]
    public async Task Readiness_follows_Boosted_while_liveness_stays_up()
    {
        await using var silo = await SiloHarness.StartAsync(new Dictionary<string, string>
        {
            ["Health:BoostedWindow"] = "00:00:00",
            ["Boosted:MaxRetries"] = "0",
        });
        async Task<HttpStatusCode> StatusAsync(string path) => (await silo.Http.GetAsync(path)).StatusCode;
        async Task<HttpStatusCode> TokenAsync(string user) =>
            (await silo.Http.SendAsync(SiloHarness.Request(HttpMethod.Post, $"v1/users/{user}/token", Silo.Gateway.GatewayOptions.DevelopmentApiKey))).StatusCode;

        var before = (await StatusAsync("healthz/live"), await StatusAsync("healthz/ready"), await StatusAsync("healthz"));
        silo.Emulator.SetFaults(new EmulatorFaults { Outage = true });
        var duringOutage = (await TokenAsync("health-a"), await StatusAsync("healthz/live"), await StatusAsync("healthz/ready"));
        silo.Emulator.SetFaults(new EmulatorFaults());
        var afterOutage = await StatusAsync("healthz/ready");
        var served = await TokenAsync("health-b");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), before);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable), duringOutage);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (afterOutage, served));
    }
}
