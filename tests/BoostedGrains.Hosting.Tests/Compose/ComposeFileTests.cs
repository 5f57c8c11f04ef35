using System.Text.RegularExpressions;
using BoostedGrains.Hosting.Tests.Infrastructure;

namespace BoostedGrains.Hosting.Tests.Compose;

/// <summary>
/// The native fixture runs docker-compose.yml's topology as processes (tests/Compose/run.sh runs the file itself): these
/// tests hold the two to the same services and the same settings, names and values (values differ only where compose
/// has service names, container ports and its own development secrets).
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string[] Lines = File.ReadAllLines(RepoPaths.ComposeFile);

    [Fact]
    public void Compose_runs_azurite_the_emulator_and_three_silos()
    {
        var services = Block("services:", 0).Where(l => Indent(l) == 2 && l.TrimEnd().EndsWith(':')).Select(l => l.Trim().TrimEnd(':'));
        Assert.Equal(["azurite", "emulator", "silo1", "silo2", "silo3"], services);
    }

    [Fact]
    public void Silos_in_compose_get_exactly_the_settings_the_native_fixture_gives_them()
    {
        var native = new TopologySettings("UseDevelopmentStorage=true", silos: 1);
        using var certificates = TestCertificates.Create();
        var emulator = Settings(Block("environment:", 4, after: "  emulator:"));
        foreach (var silo in new[] { "silo1", "silo2", "silo3" })
        {
            var compose = Settings(Block("x-silo-environment:", 0).Concat(Block("environment:", 4, after: $"  {silo}:")));
            var expected = native.Silo(0).Concat(certificates.SiloTls()).ToDictionary(s => s.Key, s => InCompose(native, s.Key, s.Value!, compose, silo));
            Assert.Equal(expected.OrderBy(s => s.Key), compose.OrderBy(s => s.Key));
            // Compose's own development secrets are shaped like real ones, and the emulator knows the same client secret.
            Assert.Equal(emulator["Emulator__Partners__0__ClientSecret"], compose["Boosted__ClientSecret"]);
            Assert.True(compose["Gateway__ApiKeys__0"].Length >= 32, "the compose API key is as long as a real one");
            Assert.Equal(32, Convert.FromBase64String(compose["KeyRing__Kek__Key"]).Length);
            Assert.Contains("TableEndpoint=http://azurite:10002/devstoreaccount1;", compose["Storage__AzureTableConnectionString"]);
        }
    }

    /// <summary>
    /// A native setting as compose must give it: service names and container ports where the fixture has loopback ports,
    /// every silo on the default ports at its own address, and compose's fixed development secrets and IDs where the
    /// fixture makes fresh ones per test.
    /// </summary>
    private static string InCompose(TopologySettings native, string key, string value, Dictionary<string, string> compose, string silo) => key switch
    {
        "urls" => "http://0.0.0.0:8080",
        "Cluster__AdvertisedIP" => silo,
        "Cluster__SiloPort" => "11111",
        "Cluster__GatewayPort" => "30000",
        "Tls__CertificatePath" or "Tls__CertificateKeyPath" or "Tls__TrustedCaPath" => "/certs/" + Path.GetFileName(value),
        "Boosted__ClientSecret" or "Gateway__ApiKeys__0" or "KeyRing__Kek__Id" or "KeyRing__Kek__Key" or "Cluster__ClusterId" or "Cluster__ServiceId"
            or "Storage__AzureTableConnectionString" => compose.GetValueOrDefault(key, "(missing)"),
        _ => value
            .Replace(native.EmulatorUrl.ToString().TrimEnd('/'), "http://emulator:5080")
            .Replace($"http://127.0.0.1:{native.Silos[0].Http}", "http://silo1:8080"),
    };

    [Fact]
    public void Silos_in_compose_read_the_certificates_that_the_dev_cert_script_writes()
    {
        Assert.Contains("    - ./dev-certs:/certs:ro", Lines);
        Assert.Contains("  Tls__CertificatePath: /certs/silo.pem", Lines);
        Assert.Contains("  Tls__CertificateKeyPath: /certs/silo.key", Lines);
        Assert.Contains("  Tls__TrustedCaPath: /certs/ca.pem", Lines);
    }

    [Fact]
    public void Emulator_in_compose_gets_exactly_the_settings_the_native_fixture_gives_it()
    {
        var native = new TopologySettings("UseDevelopmentStorage=true", silos: 1);
        var compose = Settings(Block("environment:", 4, after: "  emulator:"));
        var expected = native.Emulator().ToDictionary(s => s.Key, s => s.Key switch
        {
            "urls" => "http://0.0.0.0:5080",
            "Emulator__Partners__0__ClientSecret" => compose.GetValueOrDefault(s.Key, "(missing)"),
            // Boosted fetches the JWKS of the first silo in both.
            _ => s.Value!.Replace(native.EmulatorUrl.ToString().TrimEnd('/'), "http://emulator:5080").Replace($"http://127.0.0.1:{native.Silos[0].Http}", "http://silo1:8080"),
        });
        Assert.Equal(expected.OrderBy(s => s.Key), compose.OrderBy(s => s.Key));
    }

    /// <summary>The lines indented deeper than the <paramref name="header"/> line at <paramref name="indent"/> (after <paramref name="after"/>).</summary>
    private static IEnumerable<string> Block(string header, int indent, string? after = null)
    {
        var start = after is null ? 0 : Array.IndexOf(Lines, after);
        Assert.True(start >= 0, $"'{after}' not found in docker-compose.yml");
        var at = Array.FindIndex(Lines, start, l => Indent(l) == indent && (l.Trim() == header || l.Trim().StartsWith(header + " &", StringComparison.Ordinal)));
        Assert.True(at >= 0, $"'{header}' not found in docker-compose.yml");
        return Lines.Skip(at + 1).TakeWhile(l => string.IsNullOrWhiteSpace(l) || Indent(l) > indent).Where(l => !string.IsNullOrWhiteSpace(l));
    }

    private static Dictionary<string, string> Settings(IEnumerable<string> block) =>
        block.Select(l => SettingLine().Match(l)).Where(m => m.Success).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim('"'));

    private static int Indent(string line) => line.Length - line.TrimStart().Length;

    [GeneratedRegex(@"^\s+(urls|[A-Za-z]+__[A-Za-z0-9_]+): *(.*)$")]
    private static partial Regex SettingLine();
}
