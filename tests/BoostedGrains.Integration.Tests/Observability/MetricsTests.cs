using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoostedGrains.Integration.Tests.Infrastructure;
using BoostedGrains.Boosted;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace BoostedGrains.Integration.Tests.Observability;

public sealed class MetricsTests
{
    [Fact]
    public async Task An_exchange_is_measured_and_traced_and_no_tag_carries_a_secret()
    {
        var metrics = new List<MetricSnapshot>();
        var spans = new List<Activity>();
        await using var silo = await SiloHarness.StartAsync(configure: builder =>
        {
            builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
        });
        const string user = "metrics-user-7f3a";

        using var response = await silo.Http.SendAsync(SiloHarness.Request(HttpMethod.Post, $"v1/users/{user}/token", Silo.Gateway.GatewayOptions.DevelopmentApiKey));
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
        silo.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        silo.App.Services.GetRequiredService<TracerProvider>().ForceFlush();

        long Sum(string name, params (string Key, string Value)[] tags) => metrics.Where(m => m.Name == name)
            .SelectMany(m => m.MetricPoints)
            .Where(p => tags.All(t => Tags(p).Contains(new KeyValuePair<string, string>(t.Key, t.Value))))
            .Sum(p => p.GetSumLong());
        Assert.Equal(1, Sum("boostedgrains.exchanges", ("scope", "thread"), ("outcome", "success")));
        Assert.Equal(1, Sum("boostedgrains.exchanges", ("scope", "account-management"), ("outcome", "success")));
        Assert.Equal(2, Sum("boostedgrains.exchanges"));
        Assert.Equal(2, metrics.Where(m => m.Name == "boostedgrains.exchange.duration").SelectMany(m => m.MetricPoints).Sum(p => p.GetHistogramCount()));
        Assert.Equal(1, Sum("boostedgrains.tokens.served", ("kind", "user"), ("outcome", "waited")));
        foreach (var entity in new[] { "organization", "workspace", "user" })
            Assert.Equal(1, Sum("boostedgrains.provisioning.calls", ("entity", entity), ("outcome", "created")));
        Assert.Equal(0, Sum("boostedgrains.boosted.errors"));
        Assert.Equal(1, metrics.Single(m => m.Name == "boostedgrains.keyring.keys_published").MetricPoints.Single().GetGaugeLastValueLong());
        Assert.InRange(metrics.Single(m => m.Name == "boostedgrains.keyring.active_key_age").MetricPoints.Single().GetGaugeLastValueDouble(), 0, 300);
        // The copy was read at start and is re-read every refresh interval (1 minute by default).
        Assert.InRange(metrics.Single(m => m.Name == "boostedgrains.keyring.copy_age").MetricPoints.Single().GetGaugeLastValueDouble(), 0, 120);
        Assert.Equal(2, spans.Count(s => s.OperationName == "boostedgrains.exchange"));
        Assert.Equal(3, spans.Count(s => s.OperationName == "boostedgrains.provision"));

        // Nothing secret or personal in any tag of any instrument (Orleans' own included) or span.
        var secrets = new[] { token, user, silo.App.Services.GetRequiredService<IOptions<BoostedOptions>>().Value.ClientSecret!, Silo.Gateway.GatewayOptions.DevelopmentApiKey, SiloHarness.AdminKey };
        var values = metrics.SelectMany(m => m.MetricPoints).SelectMany(p => Tags(p)).SelectMany(t => new[] { t.Key, t.Value })
            .Concat(spans.SelectMany(s => s.TagObjects).SelectMany(t => new[] { t.Key, t.Value?.ToString() ?? "" }))
            .ToList();
        Assert.NotEmpty(values);
        Assert.All(values, value =>
        {
            Assert.DoesNotContain(secrets, secret => value.Contains(secret, StringComparison.Ordinal));
            Assert.False(value.StartsWith("eyJ", StringComparison.Ordinal), "a tag holds a JWT");
        });
    }

    private static List<KeyValuePair<string, string>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, string>>();
        foreach (var tag in point.Tags)
            tags.Add(new KeyValuePair<string, string>(tag.Key, tag.Value?.ToString() ?? ""));
        return tags;
    }
}
