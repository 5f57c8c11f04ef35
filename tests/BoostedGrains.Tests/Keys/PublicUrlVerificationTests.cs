using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BoostedGrains.Emulator;
using BoostedGrains.Keys;
using BoostedGrains.Silo.Admin;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Keys;

/// <summary>
/// The real Silo host (embedded emulator as Boosted) with <c>Jwks__PublicUrl</c> pointing at a stub in front of it;
/// the emulator fetches that same public URL, as Boosted would.
/// </summary>
public sealed class PublicUrlVerificationTests
{
    [Fact]
    public async Task A_due_successor_signs_only_after_the_public_URL_served_it_and_Boosted_never_rejects_an_assertion()
    {
        await using var stub = await StubPublicUrl.StartAsync();
        stub.ServeFrozen();
        await using var silo = await StartSiloAsync(stub.Url, stub);
        using var admin = silo.Http(AdminOptions.DevelopmentApiKey);
        var cache = silo.Services.GetRequiredService<SigningKeyCache>();
        var verifier = silo.Services.GetRequiredService<PublicUrlVerifier>();
        var first = cache.GetSigningKey().Kid;
        await Eventually.TrueAsync(() => verifier.Latest is not null, "the start-up check ran");
        var line = Assert.Single(LogCapture.Suite.Lines, l => l.Contains($"Public JWKS check: {stub.Url}", StringComparison.Ordinal));
        Assert.Contains($": {stub.Url} serves the ring's keys ({first})", line);

        using var stop = new CancellationTokenSource();
        var exchanges = TokenApiTraffic.RunAsync(silo.BaseUrl, GatewayOptions.DevelopmentApiKey, stop.Token);

        // The successor is published 7 s in and due at 10 s; the frozen copy never carries it.
        KeyView? successor = null;
        await Eventually.TrueAsync(async () => (successor = (await ListKeysAsync(admin)).FirstOrDefault(k => k.Status == "AwaitingPublicUrl")) is not null,
            "the successor is due but unseen", TimeSpan.FromSeconds(30));
        var dueSince = verifier.Latest!.At;
        await Eventually.TrueAsync(() => verifier.Latest!.At > dueSince.AddSeconds(1), "the verifier looked several more times");
        Assert.Equal(first, cache.GetSigningKey().Kid);
        // Present, and null: the URL never served it.
        Assert.Equal(JsonValueKind.Null, (await RawKeyAsync(admin, successor!.Kid)).GetProperty("publicly_seen_at").ValueKind);
        using (var ready = await silo.Http().GetAsync("/healthz/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync());
        }
        Assert.Single(LogCapture.Suite.Lines, line => line.Contains($"Signing key {successor!.Kid} is due to sign but {stub.Url}", StringComparison.Ordinal));
        Assert.Equal(1, ReadGauge(silo.Services, "boostedgrains.keyring.keys_unseen_publicly"));

        stub.ServeLive();
        await Eventually.TrueAsync(() => cache.GetSigningKey().Kid == successor!.Kid, "the successor signs", TimeSpan.FromSeconds(60));
        var seen = (await ListKeysAsync(admin)).Single(k => k.Kid == successor!.Kid);
        Assert.NotNull(seen.PubliclySeenAt);
        Assert.Equal("Signing", seen.Status);
        await Eventually.TrueAsync(() => ReadGauge(silo.Services, "boostedgrains.keyring.keys_unseen_publicly") == 0, "every published key is seen publicly");
        await Eventually.TrueAsync(async () => await (await silo.Http().GetAsync("/healthz/ready")).Content.ReadAsStringAsync() == "Healthy", "readiness is Healthy again");

        await stop.CancelAsync();
        var (succeeded, failed) = await exchanges;
        var stats = silo.Services.GetRequiredService<BoostedEmulatorServer>().GetStats();
        Assert.Equal(0, stats.Failures.GetValueOrDefault("invalid_grant"));
        Assert.Equal(0, failed);
        Assert.True(succeeded > 0);
        // Boosted (the emulator) read its keys from the public URL, not from the silo behind it.
        Assert.True(stub.RequestsFromVerifier > 0);
        Assert.True(stub.RequestsFromOthers > 0);
    }

    [Fact]
    public async Task The_embedded_default_checks_its_own_loopback_URL_and_the_start_up_line_says_it_serves_the_rings_keys()
    {
        await using var silo = await StartSiloAsync(publicUrl: null, stub: null);
        var verifier = silo.Services.GetRequiredService<PublicUrlVerifier>();
        Assert.Equal(new Uri(silo.BaseUrl, "/.well-known/jwks.json"), verifier.PublicUrl);
        var kid = silo.Services.GetRequiredService<SigningKeyCache>().Jwks!.KeyIds.Single();

        await Eventually.TrueAsync(() => verifier.Latest is not null, "the start-up check ran");
        var line = Assert.Single(LogCapture.Suite.Lines, l => l.Contains($"Public JWKS check: {verifier.PublicUrl}", StringComparison.Ordinal));
        Assert.Contains($": {verifier.PublicUrl} serves the ring's keys ({kid})", line);
    }

    [Fact]
    public async Task The_start_up_line_names_another_environment_when_the_public_URL_serves_other_keys()
    {
        await using var stub = await StubPublicUrl.StartAsync();
        var otherKey = KeyFactory.Create(KeyAlgorithm.ES256, 2048, KeyTestKit.Protector(KeyTestKit.NewKek("other-env")));
        stub.ServeFixed(JwksDocument.Create([otherKey.PublicKey]).Json.ToArray());
        await using var silo = await StartSiloAsync(stub.Url, stub);
        var ring = silo.Services.GetRequiredService<SigningKeyCache>().Jwks!.KeyIds.Single();

        await Eventually.TrueAsync(() => silo.Services.GetRequiredService<PublicUrlVerifier>().Latest is not null, "the start-up check ran");
        var line = Assert.Single(LogCapture.Suite.Lines, l => l.Contains($"Public JWKS check: {stub.Url}", StringComparison.Ordinal));
        Assert.Contains($"serves other keys ({otherKey.Kid}), none of the ring's ({ring})", line);
        Assert.Contains("another environment", line);
    }

    [Fact]
    public async Task A_forced_rotation_signs_although_the_public_URL_never_served_it_and_is_audited()
    {
        await using var stub = await StubPublicUrl.StartAsync();
        stub.ServeFixed(JwksDocument.Create([]).Json.ToArray());
        await using var silo = await StartSiloAsync(stub.Url, stub);
        using var admin = silo.Http(AdminOptions.DevelopmentApiKey);

        using var response = await admin.PostAsync("/admin/keys/rotate?force=true", null);
        response.EnsureSuccessStatusCode();
        var kid = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("kid").GetString();

        var cache = silo.Services.GetRequiredService<SigningKeyCache>();
        await Eventually.TrueAsync(() => cache.GetSigningKey().Kid == kid, "the forced key signs after propagating");
        Assert.Null((await ListKeysAsync(admin)).Single(k => k.Kid == kid).PubliclySeenAt);
        Assert.Single(LogCapture.Suite.Lines, l => l.Contains($"Admin action rotate_forced on {kid} by ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_public_URL_is_named_at_start_and_holds_a_due_successor_back_with_Degraded_and_one_warning()
    {
        // Nothing listens there: a URL that does not reach this cluster at all.
        var nowhere = new Uri($"http://127.0.0.1:{FreePort.Next()}/jwks.json");
        await using var silo = await StartSiloAsync(nowhere, stub: null);
        using var admin = silo.Http(AdminOptions.DevelopmentApiKey);
        var first = silo.Services.GetRequiredService<SigningKeyCache>().GetSigningKey().Kid;

        await Eventually.TrueAsync(() => silo.Services.GetRequiredService<PublicUrlVerifier>().Latest is not null, "the start-up check ran");
        var line = Assert.Single(LogCapture.Suite.Lines, l => l.Contains($"Public JWKS check: {nowhere}", StringComparison.Ordinal));
        Assert.Contains("is not reachable", line);

        // The successor is published 7 s in and due at 10 s; no look ever reads the URL.
        KeyView? successor = null;
        await Eventually.TrueAsync(async () => (successor = (await ListKeysAsync(admin)).FirstOrDefault(k => k.Status == "AwaitingPublicUrl")) is not null,
            "the successor is due but unseen", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () => await (await silo.Http().GetAsync("/healthz/ready")).Content.ReadAsStringAsync() == "Degraded",
            "readiness reports the held-back rotation");
        using (var ready = await silo.Http().GetAsync("/healthz/ready"))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(first, silo.Services.GetRequiredService<SigningKeyCache>().GetSigningKey().Kid);
        Assert.Null(successor!.PubliclySeenAt);
        var warning = $"Signing key {successor.Kid} is due to sign but {nowhere}";
        await Eventually.TrueAsync(() => LogCapture.Suite.Lines.Any(l => l.Contains(warning, StringComparison.Ordinal)), "the held-back key is warned about");
        var looks = silo.Services.GetRequiredService<PublicUrlVerifier>().Latest!.At;
        await Eventually.TrueAsync(() => silo.Services.GetRequiredService<PublicUrlVerifier>().Latest!.At > looks.AddSeconds(1), "the verifier looked several more times");
        Assert.Single(LogCapture.Suite.Lines, l => l.Contains(warning, StringComparison.Ordinal));
    }

    // This silo's gauge only: meters are told apart by the host's IMeterFactory.
    private static int? ReadGauge(IServiceProvider services, string name)
    {
        var scope = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        int? value = null;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == name && ReferenceEquals(instrument.Meter.Scope, scope))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, measurement, _, _) => value = measurement);
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }

    private static async Task<JsonElement> RawKeyAsync(HttpClient admin, string kid)
    {
        using var document = JsonDocument.Parse(await admin.GetStringAsync("/admin/keys"));
        return document.RootElement.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid).Clone();
    }

    private static async Task<IReadOnlyList<KeyView>> ListKeysAsync(HttpClient admin)
    {
        using var document = JsonDocument.Parse(await admin.GetStringAsync("/admin/keys"));
        return document.RootElement.GetProperty("keys").Deserialize<List<KeyView>>()!;
    }

    // With no publicUrl, the Silo's default: its own loopback JWKS.
    private static async Task<SiloHost> StartSiloAsync(Uri? publicUrl, StubPublicUrl? stub)
    {
        var url = TestSilo.FreeUrl();
        stub?.Origin = new Uri(url + "/.well-known/jwks.json");
        var app = await TestSilo.CreateAsync(url, "public-url",
        [
            .. publicUrl is null ? Array.Empty<string>() : ["--Jwks:PublicUrl", publicUrl.ToString()],
            // Every duration shortened together so a rotation fits in seconds; the ratios are the defaults' (0.9 of propagation).
            // Looks every 500 ms: a run breaks after 3 missed looks, and 200 ms looks broke it on a loaded 2-core machine.
            "--Jwks:VerifyInterval", "00:00:00.500",
            "--KeyRing:Algorithm", "ES256",
            "--KeyRing:PropagationTime", "00:00:03",
            "--KeyRing:RotationInterval", "00:00:10",
            "--KeyRing:RefreshInterval", "00:00:00.250",
            "--Emulator:JwksCacheSeconds", "1",
        ], builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(LogCapture.Suite);
            // Marks the verifier's looks, so that the stub tells them from Boosted's (the emulator's) fetches.
            builder.Services.AddHttpClient(PublicUrlVerifier.HttpClientName, http => http.DefaultRequestHeaders.Add(StubPublicUrl.VerifierHeader, "1"));
        });
        await app.StartAsync();
        var silo = new SiloHost(app, new Uri(url));
        await Eventually.TrueAsync(() => app.Services.GetRequiredService<SigningKeyCache>().IsLoaded, "the silo loaded the key ring");
        return silo;
    }

    private sealed record SiloHost(WebApplication App, Uri BaseUrl) : IAsyncDisposable
    {
        public IServiceProvider Services => App.Services;

        public HttpClient Http(string? bearer = null)
        {
            var http = new HttpClient { BaseAddress = BaseUrl };
            if (bearer is not null)
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            return http;
        }

        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
