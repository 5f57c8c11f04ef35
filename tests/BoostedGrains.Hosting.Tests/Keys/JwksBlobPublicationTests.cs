using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Storage.Blobs;
using BoostedGrains.Emulator;
using BoostedGrains.Hosting.Tests.Infrastructure;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Hosting.Tests.Keys;

/// <summary>
/// The real Silo host writing its JWKS to Azurite's blob service; with no <c>Jwks__PublicUrl</c> the blob is the public
/// URL, so the embedded emulator (as Boosted) and the verifier both read the blob.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class JwksBlobPublicationTests(AzuriteServer azurite)
{
    private static readonly string[] PublicMembers = ["kty", "use", "alg", "kid", "crv", "x", "y", "n", "e"];

    [Fact]
    public async Task After_a_rotation_the_blob_carries_the_new_JWKS_and_Boosted_reading_it_accepts_every_assertion()
    {
        var container = $"jwks-{Guid.NewGuid():N}";
        await using var silo = await StartSiloAsync(container);
        var cache = silo.App.Services.GetRequiredService<SigningKeyCache>();
        var blobUrl = silo.App.Services.GetRequiredService<PublicUrlVerifier>().PublicUrl!;
        Assert.Equal($"http://127.0.0.1:{azurite.BlobPort}/devstoreaccount1/{container}/jwks.json", blobUrl.ToString());
        using var anonymous = new HttpClient();
        var first = cache.GetSigningKey().Kid;
        await Eventually.TrueAsync(async () => (await BlobKidsAsync(anonymous, blobUrl)).Contains(first), "the blob carries the first key");

        using var stop = new CancellationTokenSource();
        var exchanges = TokenApiTraffic.RunAsync(silo.BaseUrl, GatewayOptions.DevelopmentApiKey, stop.Token);
        var rotated = await silo.App.Services.GetRequiredService<IGrainFactory>().GetKeyRing().RotateNowAsync();
        await Eventually.TrueAsync(() => cache.GetSigningKey().Kid == rotated.Kid, "the rotated key signs", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        var (succeeded, failed) = await exchanges;

        using var response = await anonymous.GetAsync(blobUrl);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        // docs/keys.md: max(1 s, min(300 s, Propagation/4)); KeyRing__PropagationTime 3 s gives the floor, 1 s.
        Assert.Equal("public, max-age=1", response.Headers.CacheControl?.ToString());
        using var jwks = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var keys = jwks.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal([first, rotated.Kid], keys.Select(k => k.GetProperty("kid").GetString()));
        Assert.All(keys, key => Assert.All(key.EnumerateObject(), member => Assert.Contains(member.Name, PublicMembers)));

        var emulator = silo.App.Services.GetRequiredService<BoostedEmulatorServer>();
        Assert.Equal(0, emulator.GetStats().Failures.GetValueOrDefault("invalid_grant"));
        Assert.Equal(0, failed);
        Assert.True(succeeded > 0);

        // Boosted read the blob, not the silo: with the blob emptied behind the silos' back, it rejects new assertions.
        await new BlobClient(azurite.BlobConnectionString, container, "jwks.json").UploadAsync(new BinaryData(JwksDocument.Create([]).Json), overwrite: true);
        using var gateway = new HttpClient { BaseAddress = silo.BaseUrl };
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayOptions.DevelopmentApiKey);
        await Eventually.TrueAsync(async () =>
        {
            using var _ = await gateway.PostAsync($"/v1/users/after-{Guid.NewGuid():N}/token", null);
            return emulator.GetStats().Failures.GetValueOrDefault("invalid_grant") > 0;
        }, "Boosted rejects assertions once the blob lacks their key");
    }

    private static async Task<IReadOnlyList<string?>> BlobKidsAsync(HttpClient http, Uri blob)
    {
        using var response = await http.GetAsync(blob);
        if (!response.IsSuccessStatusCode)
            return [];
        using var jwks = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToList();
    }

    private async Task<SiloHost> StartSiloAsync(string container)
    {
        var url = TestSilo.FreeUrl();
        var app = await TestSilo.CreateAsync(url, "blob",
        [
            "--Jwks:Publish:BlobConnectionString", azurite.BlobConnectionString,
            "--Jwks:Publish:Container", container,
            // Every duration shortened together so a rotation fits in seconds; the ratios are the defaults'.
            "--Jwks:VerifyInterval", "00:00:00.200",
            "--KeyRing:Algorithm", "ES256",
            "--KeyRing:PropagationTime", "00:00:03",
            "--KeyRing:RotationInterval", "00:01:00",
            "--KeyRing:RefreshInterval", "00:00:00.250",
            "--Emulator:JwksCacheSeconds", "1",
        ], builder => builder.Logging.ClearProviders());
        await app.StartAsync();
        await Eventually.TrueAsync(() => app.Services.GetRequiredService<SigningKeyCache>().IsLoaded, "the silo loaded the key ring");
        return new SiloHost(app, new Uri(url));
    }

    private sealed record SiloHost(WebApplication App, Uri BaseUrl) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
