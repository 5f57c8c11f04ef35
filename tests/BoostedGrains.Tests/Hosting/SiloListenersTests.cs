using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BoostedGrains.Silo.Admin;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Gateway;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Hosting;

/// <summary>
/// The silo's HTTP listeners as an operator configures them: HTTPS through Kestrel's own certificate settings, and the
/// admin API and dashboard on a listener of their own (Admin__Urls), not on the one that serves the token API and JWKS.
/// </summary>
public sealed class SiloListenersTests : IAsyncLifetime
{
    private const string Password = "listener-test-password";

    private readonly X509Certificate2 _certificate = SelfSigned();
    private readonly string _pfx = Path.Combine(Path.GetTempPath(), $"silo-https-{Guid.NewGuid():N}.pfx");
    private readonly int _mainPort = FreePort.Next();
    private readonly int _adminPort = FreePort.Next();
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllBytesAsync(_pfx, _certificate.Export(X509ContentType.Pfx, Password));
        _app = await TestSilo.CreateAsync($"https://127.0.0.1:{_mainPort}", "listeners",
        [
            "--Admin:Urls", $"https://127.0.0.1:{_adminPort}",
            "--Kestrel:Certificates:Default:Path", _pfx,
            "--Kestrel:Certificates:Default:Password", Password,
        ], builder => builder.Logging.AddProvider(LogCapture.Suite));
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(_pfx);
        _certificate.Dispose();
    }

    [Fact]
    public async Task Both_listeners_speak_HTTPS_with_the_configured_certificate_and_not_plain_HTTP()
    {
        X509Certificate2? seen = null;
        using var handler = new HttpClientHandler
        {
            // Trusted by pinning: the test's certificate is in no store.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                seen = certificate is null ? null : new X509Certificate2(certificate);
                return certificate?.Thumbprint == _certificate.Thumbprint;
            },
        };
        using var https = new HttpClient(handler);

        using var jwks = await https.GetAsync($"https://127.0.0.1:{_mainPort}/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        Assert.Equal(_certificate.Thumbprint, seen!.Thumbprint);
        using var keys = await https.SendAsync(AdminRequest($"https://127.0.0.1:{_adminPort}/admin/keys"));
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);

        using var plain = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync($"http://127.0.0.1:{_mainPort}/healthz/live"));
    }

    [Fact]
    public async Task The_admin_API_and_dashboard_are_served_only_on_the_admin_listener_and_the_token_API_only_on_the_main_one()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == _certificate.Thumbprint };
        using var https = new HttpClient(handler);
        var main = $"https://127.0.0.1:{_mainPort}";
        var admin = $"https://127.0.0.1:{_adminPort}";

        using var adminOnMain = await https.SendAsync(AdminRequest($"{main}/admin/keys"));
        using var dashboardOnMain = await https.SendAsync(AdminRequest($"{main}/dashboard/"));
        // The Host header is the caller's to write: naming the admin port does not reach the admin API.
        var forged = AdminRequest($"{main}/admin/keys");
        forged.Headers.Host = $"127.0.0.1:{_adminPort}";
        using var forgedHost = await https.SendAsync(forged);
        using var adminOnAdmin = await https.SendAsync(AdminRequest($"{admin}/admin/keys"));
        using var dashboardOnAdmin = await https.SendAsync(AdminRequest($"{admin}/dashboard/"));
        using var jwksOnAdmin = await https.GetAsync($"{admin}/.well-known/jwks.json");
        using var healthOnMain = await https.GetAsync($"{main}/healthz/live");

        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK],
            new[] { adminOnMain, dashboardOnMain, forgedHost, adminOnAdmin, dashboardOnAdmin, jwksOnAdmin, healthOnMain }.Select(r => r.StatusCode));
    }

    private static HttpRequestMessage AdminRequest(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminOptions.DevelopmentApiKey);
        return request;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
