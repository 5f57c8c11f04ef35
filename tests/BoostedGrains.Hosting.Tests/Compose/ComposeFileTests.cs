using System.Text.RegularExpressions;
using BoostedGrains.Hosting.Tests.Infrastructure;

namespace BoostedGrains.Hosting.Tests.Compose;

/// <summary>
/// docker-compose.yml cannot run here (no Docker engine), so the native fixture runs its topology instead; these tests
/// hold the two to the same services and the same settings (values differ only where compose has service names).
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
        foreach (var silo in new[] { "silo1", "silo2", "silo3" })
        {
            var compose = Keys(Block("x-silo-environment:", 0)).Concat(Keys(Block("environment:", 4, after: $"  {silo}:"))).ToHashSet();
            Assert.Equal(native.Silo(0).Keys.Concat(certificates.SiloTls().Keys).Order(), compose.Order());
        }
        Assert.Contains($"  Boosted__ClientId: {native.ClientId}", Lines);
    }

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
        var compose = Keys(Block("environment:", 4, after: "  emulator:"));
        Assert.Equal(native.Emulator().Keys.Order(), compose.Order());
        // Boosted fetches the JWKS of the first silo in both.
        Assert.Contains("      Emulator__Partners__0__JwksUri: http://silo1:8080/.well-known/jwks.json", Lines);
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

    private static IEnumerable<string> Keys(IEnumerable<string> block) =>
        block.Select(l => SettingLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value);

    private static int Indent(string line) => line.Length - line.TrimStart().Length;

    [GeneratedRegex(@"^\s+(urls|[A-Za-z]+__[A-Za-z0-9_]+):")]
    private static partial Regex SettingLine();
}
