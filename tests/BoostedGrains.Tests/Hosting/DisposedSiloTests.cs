using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Gateway;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Hosting;

/// <summary>
/// A stopped and disposed silo host leaves nothing of itself reachable, so a process that starts silo hosts one after
/// another (a partner's test suite, this one) does not keep each one's silo, caches and emulator.
/// </summary>
public sealed class DisposedSiloTests
{
    [Fact]
    public async Task A_silo_host_that_served_the_token_api_and_its_health_checks_is_collected_once_disposed()
    {
        var services = await ServeThenDisposeAsync();

        await Eventually.TrueAsync(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return !services.TryGetTarget(out _);
        }, "the disposed silo host's services are collected");
    }

    // Not inlined, so that no local of the test method keeps the host alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference<IServiceProvider>> ServeThenDisposeAsync()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        LogCapture.Suite.AddSecret(key);
        var (app, url) = await SiloHostFixture.StartSiloAsync("disposed", [$"--Gateway:ApiKeys:app={key}"],
            builder => builder.Logging.AddProvider(LogCapture.Suite));
        using (var http = new HttpClient { BaseAddress = url })
        {
            // What holds a host after its disposal is what it has started: the rate limiter's buckets, the HTTP clients of
            // the JWKS check and the Boosted probe, the grains.
            using var token = new HttpRequestMessage(HttpMethod.Post, "/v1/users/disposed-user/token");
            token.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(token)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz/ready")).StatusCode);
        }
        await app.StopAsync();
        await app.DisposeAsync();
        return new WeakReference<IServiceProvider>(app.Services);
    }
}
