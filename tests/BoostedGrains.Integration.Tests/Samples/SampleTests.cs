using BoostedGrains.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using BoostedGrains.Integration.Tests.Infrastructure;
using BoostedGrains.SampleApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Integration.Tests.Samples;

public sealed class SampleTests : IAsyncLifetime
{
    private SiloHarness _silo = null!;

    public async Task InitializeAsync() => _silo = await SiloHarness.StartAsync();

    public Task DisposeAsync() => _silo.DisposeAsync().AsTask();

    [Fact]
    public async Task The_sample_app_server_creates_and_lists_each_users_threads_through_the_cluster()
    {
        await using var sample = SampleServer.Create([.. _silo.ClientArgs, "--urls=http://127.0.0.1:0", $"--Boosted:BaseUrl={_silo.Emulator.BaseUrl}"]);
        await sample.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(sample.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        async Task<HttpResponseMessage> SendAsync(HttpMethod method, string? user, object? body = null)
        {
            using var request = new HttpRequestMessage(method, "/threads") { Content = body is null ? null : JsonContent.Create(body) };
            if (user is not null)
                request.Headers.Add(HeaderUserAccessor.Header, user);
            return await http.SendAsync(request);
        }

        using var first = await SendAsync(HttpMethod.Post, "sample-alice", new { name = "Quarterly report" });
        using var second = await SendAsync(HttpMethod.Post, "sample-alice", new { name = "Risk review" });
        var alice = await (await SendAsync(HttpMethod.Get, "sample-alice")).Content.ReadFromJsonAsync<ThreadListBody>();
        var bob = await (await SendAsync(HttpMethod.Get, "sample-bob")).Content.ReadFromJsonAsync<ThreadListBody>();
        using var anonymous = await SendAsync(HttpMethod.Get, null);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized), (first.StatusCode, second.StatusCode, anonymous.StatusCode));
        Assert.Equal(["Quarterly report", "Risk review"], alice!.Threads.Select(t => t.ThreadName).Order());
        Assert.Empty(bob!.Threads);
        var stats = _silo.Emulator.GetStats();
        Assert.Equal(2, stats.Creates.User);
        Assert.Equal(2, stats.Exchanges.Count(e => e.Key != Silo.Hosting.EmbeddedBoosted.ClientId));
    }

    [Fact]
    public async Task The_curl_sample_gets_a_token_over_HTTP_and_creates_and_lists_a_thread()
    {
        var script = Path.Combine(RepositoryRoot.Path, "samples", "curl", "threads.sh");
        var start = new ProcessStartInfo("bash", [script, "curl-carol", "Made with curl"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["SILO_URL"] = _silo.Url.ToString().TrimEnd('/'),
                ["API_KEY"] = Silo.Gateway.GatewayOptions.DevelopmentApiKey,
                ["BOOSTED_URL"] = _silo.Emulator.BaseUrl.ToString(),
            },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await error}");
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var threadId = Assert.Single(lines, l => l.StartsWith("created thread ", StringComparison.Ordinal))["created thread ".Length..];
        Assert.Equal([$"  {threadId} Made with curl"], lines.Where(l => l.StartsWith("  ", StringComparison.Ordinal)));
        Assert.Equal(1, _silo.Emulator.GetStats().Creates.User);
    }

    private sealed record ThreadListBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("threads")] List<ThreadSummary> Threads);
}
