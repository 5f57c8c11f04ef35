using System.Net;
using BoostedGrains.Integration.Tests.Infrastructure;
using BoostedGrains.Emulator;

namespace BoostedGrains.Integration.Tests.Observability;

public sealed class HealthTests
{
    [Fact]
    public async Task A_Boosted_outage_makes_readiness_report_Degraded_while_it_stays_200()
    {
        await using var silo = await SiloHarness.StartAsync(new Dictionary<string, string>
        {
            // No grace after a failure, and one attempt per call: the outage shows at the first failed exchange.
            ["Health:BoostedWindow"] = "00:00:00",
            ["Boosted:MaxRetries"] = "0",
        });
        async Task<(HttpStatusCode, string)> ReadyAsync() { using var r = await silo.Http.GetAsync("healthz/ready"); return (r.StatusCode, await r.Content.ReadAsStringAsync()); }
        async Task<HttpStatusCode> TokenAsync(string user) =>
            (await silo.Http.SendAsync(SiloHarness.Request(HttpMethod.Post, $"v1/users/{user}/token", Silo.Gateway.GatewayOptions.DevelopmentApiKey))).StatusCode;

        var before = await ReadyAsync();
        silo.Emulator.SetFaults(new EmulatorFaults { Outage = true });
        var failed = await TokenAsync("health-a");
        var duringOutage = await ReadyAsync();
        var live = (await silo.Http.GetAsync("healthz/live")).StatusCode;
        silo.Emulator.SetFaults(new EmulatorFaults());
        var afterOutage = await ReadyAsync();
        var served = await TokenAsync("health-b");

        Assert.Equal((HttpStatusCode.OK, "Healthy"), before);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed);
        Assert.Equal((HttpStatusCode.OK, "Degraded"), duringOutage);
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.Equal((HttpStatusCode.OK, "Healthy"), afterOutage);
        Assert.Equal(HttpStatusCode.OK, served);
    }
}
