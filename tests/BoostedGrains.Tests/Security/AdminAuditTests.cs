using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BoostedGrains.Diagnostics;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Gateway;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Security;

/// <summary>
/// Every admin action leaves one audit event (action, target, the admin key's configured name) and one count; no event
/// carries a key, right or wrong.
/// </summary>
public sealed class AdminAuditTests(AdminAuditTests.Fixture silo) : IClassFixture<AdminAuditTests.Fixture>
{
    public const string Caller = "ops-alice";
    public const string ImportedKid = "imported-for-audit";

    /// <summary>The real Silo host with a named admin key and a key to import at start; its own log capture besides the suite's.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private WebApplication _app = null!;

        public string AdminKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

        public LogCapture Log { get; } = new();

        public MetricCounter Actions { get; private set; } = null!;

        public HttpClient Http { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            LogCapture.Suite.AddSecret(AdminKey);
            using var imported = RSA.Create(2048);
            Uri url;
            (_app, url) = await SiloHostFixture.StartSiloAsync("audit", [], builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    [$"Admin:ApiKeys:{Caller}"] = AdminKey,
                    ["KeyRing:Import:Pem"] = imported.ExportPkcs8PrivateKeyPem(),
                    ["KeyRing:Import:Kid"] = ImportedKid,
                    // Forced, so that the imported key signs at once (the other tests need a signing key) and the
                    // forced import's own audit event is covered; unforced it would wait for the public URL.
                    ["KeyRing:Import:Force"] = "true",
                });
                builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(LogCapture.Suite).AddProvider(Log);
            }, beforeStart: app => Actions = new MetricCounter([app.Services], "boostedgrains.admin.actions")); // so that the import at start counts
            Http = new HttpClient { BaseAddress = url };
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            Actions.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    // The fields of this silo's audit events for one action and target.
    private List<Dictionary<string, string>> Events(string action, string target) => Events(silo.Log, action, target);

    private static List<Dictionary<string, string>> Events(LogCapture log, string action, string target) =>
        log.Lines.Where(line => line.StartsWith($"Information {AdminAudit.Category}: ", StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf(" | ", StringComparison.Ordinal) + 3)..].Split(", ").Select(pair => pair.Split('=', 2))
                .Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]))
            .Where(fields => fields.GetValueOrDefault("Action") == action && fields.GetValueOrDefault("Target") == target).ToList();

    private static void AssertEvent(Dictionary<string, string> fields, string caller, string outcome)
    {
        Assert.Equal(caller, fields["Caller"]);
        Assert.Equal(outcome, fields["Outcome"]);
    }

    [Fact]
    public async Task A_rotation_is_audited_once_with_the_new_key_and_the_admin_keys_name()
    {
        var before = silo.Actions.Sum(("action", "rotate"), ("outcome", "done"));

        var kid = (await (await silo.Http.PostAsync("/admin/keys/rotate", null)).Content.ReadFromJsonAsync<JsonObject>())!["kid"]!.GetValue<string>();

        AssertEvent(Assert.Single(Events("rotate", kid)), Caller, "done");
        Assert.Equal(before + 1, silo.Actions.Sum(("action", "rotate"), ("outcome", "done")));
    }

    [Fact]
    public async Task A_revocation_is_audited_and_so_is_one_of_an_unknown_key()
    {
        var kid = (await (await silo.Http.PostAsync("/admin/keys/rotate", null)).Content.ReadFromJsonAsync<JsonObject>())!["kid"]!.GetValue<string>();
        var revokedBefore = silo.Actions.Sum(("action", "revoke"), ("outcome", "done"));

        Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync($"/admin/keys/{kid}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.PostAsync("/admin/keys/no-such-kid/revoke", null)).StatusCode);

        AssertEvent(Assert.Single(Events("revoke", kid)), Caller, "done");
        AssertEvent(Assert.Single(Events("revoke", "no-such-kid")), Caller, "not_found");
        Assert.Equal(revokedBefore + 1, silo.Actions.Sum(("action", "revoke"), ("outcome", "done")));
        Assert.Equal(1, silo.Actions.Sum(("action", "revoke"), ("outcome", "not_found")));
    }

    [Fact]
    public async Task A_reprovisioning_is_audited_with_the_user()
    {
        var user = $"audit-{Guid.NewGuid():N}";
        var before = silo.Actions.Sum(("action", "reprovision"), ("outcome", "done"));

        Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync($"/admin/users/{user}/reprovision", null)).StatusCode);

        AssertEvent(Assert.Single(Events("reprovision", user)), Caller, "done");
        Assert.Equal(before + 1, silo.Actions.Sum(("action", "reprovision"), ("outcome", "done")));
    }

    [Fact]
    public void The_forced_import_at_start_is_audited_with_its_setting_as_the_caller()
    {
        AssertEvent(Assert.Single(Events("import_forced", ImportedKid)), "KeyRing__Import", "done");
        Assert.Equal(1, silo.Actions.Sum(("action", "import_forced"), ("outcome", "done")));
    }

    [Fact]
    public async Task An_import_at_start_that_waits_for_the_public_url_is_audited_as_import()
    {
        var log = new LogCapture();
        MetricCounter actions = null!;
        using var imported = RSA.Create(2048);
        var (app, _) = await SiloHostFixture.StartSiloAsync("audit-import", [], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["KeyRing:Import:Pem"] = imported.ExportPkcs8PrivateKeyPem(),
                ["KeyRing:Import:Kid"] = "imported-unforced",
            });
            builder.Logging.AddProvider(LogCapture.Suite).AddProvider(log);
        }, beforeStart: app => actions = new MetricCounter([app.Services], "boostedgrains.admin.actions"));
        try
        {
            AssertEvent(Assert.Single(Events(log, "import", "imported-unforced")), "KeyRing__Import", "done");
            Assert.Equal(1, actions.Sum(("action", "import"), ("outcome", "done")));
        }
        finally
        {
            actions.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_refused_import_is_audited_before_the_silo_stops()
    {
        var log = new LogCapture();
        MetricCounter actions = null!;
        using var weak = RSA.Create(1024);
        var app = await TestSilo.CreateAsync(TestSilo.FreeUrl(), "audit-refused-import", [], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["KeyRing:Import:Pem"] = weak.ExportPkcs8PrivateKeyPem(),
                ["KeyRing:Import:Kid"] = "imported-too-weak",
            });
            builder.Logging.AddProvider(LogCapture.Suite).AddProvider(log);
        });
        try
        {
            actions = new MetricCounter([app.Services], "boostedgrains.admin.actions");

            await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

            AssertEvent(Assert.Single(Events(log, "import", "imported-too-weak")), "KeyRing__Import", "refused");
            Assert.Equal(1, actions.Sum(("action", "import"), ("outcome", "refused")));
        }
        finally
        {
            actions?.Dispose();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_dashboard_login_with_a_wrong_key_is_audited_without_the_key()
    {
        var wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        LogCapture.Suite.AddSecret(wrongKey);
        using var browser = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        browser.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops:{wrongKey}")));
        var before = silo.Actions.Sum(("action", "login_failed"), ("outcome", "refused"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await silo.Http.SendAsync(browser)).StatusCode);

        AssertEvent(Assert.Single(Events("login_failed", "/dashboard/")), "unknown key", "refused");
        Assert.Equal(before + 1, silo.Actions.Sum(("action", "login_failed"), ("outcome", "refused")));
        Assert.DoesNotContain(silo.Log.Lines, line => line.Contains(wrongKey, StringComparison.Ordinal) || line.Contains(silo.AdminKey, StringComparison.Ordinal));
    }
}
