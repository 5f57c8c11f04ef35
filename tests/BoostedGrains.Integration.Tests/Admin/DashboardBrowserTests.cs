using System.Net;
using BoostedGrains.Integration.Tests.Infrastructure;

namespace BoostedGrains.Integration.Tests.Admin;

/// <summary>The dashboard as an operator opens it: a real Chromium, the admin key as the Basic password.</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private SiloHarness _silo = null!;

    public async Task InitializeAsync() => _silo = await SiloHarness.StartAsync(new Dictionary<string, string> { ["Dashboard:Enabled"] = "true" });

    public Task DisposeAsync() => _silo.DisposeAsync().AsTask();

    [Fact]
    public async Task The_401_challenges_each_scheme_in_its_own_header_with_Basic_first()
    {
        using var response = await _silo.Http.GetAsync("dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["Basic realm=\"BoostedGrains admin\"", "Bearer"], response.Headers.WwwAuthenticate.Select(h => h.ToString()));
    }

    [Fact]
    public async Task Chromium_with_the_admin_key_shows_the_Overview_page_with_the_clusters_figures()
    {
        var url = new UriBuilder(new Uri(_silo.Url, "dashboard/")) { UserName = "ops", Password = SiloHarness.AdminKey }.Uri;

        var (dom, errors) = await HeadlessChromium.DumpDomAsync(url);

        Assert.True(dom.Contains("Total Activations", StringComparison.Ordinal), $"no Overview figures in the page; chromium said: {errors}");
        Assert.Matches("""<span class="info-box-number">\d+</span>""", dom);
    }

    [Fact]
    public async Task Chromium_without_the_key_gets_the_credentials_challenge_and_none_of_the_dashboards_data()
    {
        var (dom, errors) = await HeadlessChromium.DumpDomAsync(new Uri(_silo.Url, "dashboard/"));

        // Headless Chromium cannot show the Basic prompt, so it reports the challenge as a load failure.
        Assert.Contains("ERR_INVALID_AUTH_CREDENTIALS", errors);
        Assert.DoesNotContain("Total Activations", dom);
        Assert.DoesNotContain("Orleans Dashboard", dom);
    }
}
