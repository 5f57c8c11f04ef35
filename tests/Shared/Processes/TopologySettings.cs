using System.Security.Cryptography;

namespace BoostedGrains.Testing;

/// <summary>
/// The settings of the docker-compose topology (Azurite, the emulator, silos), with loopback ports instead of service
/// names: the native tests run exactly what docker-compose.yml describes (ComposeFileTests holds the two together).
/// A fresh ServiceId and ClusterId per instance keep tests apart in the one Azurite.
/// </summary>
internal sealed class TopologySettings
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];

    public TopologySettings(string connectionString, int silos)
    {
        ConnectionString = connectionString;
        Silos = Enumerable.Range(0, silos).Select(_ => new SiloPorts(FreePort.Next(), FreePort.Next(), FreePort.Next())).ToList();
    }

    public string ConnectionString { get; }

    public string ServiceId => $"bg-{_suffix}";

    public string ClusterId { get; set; } = $"c-{Guid.NewGuid():N}"[..12];

    public string ClientId { get; } = "boostedgrains-partner";

    public string ClientSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public string ApiKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public string KekId { get; set; } = "kek-2026-01";

    public string KekKey { get; set; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public int EmulatorPort { get; } = FreePort.Next();

    public List<SiloPorts> Silos { get; }

    public Uri EmulatorUrl => new($"http://127.0.0.1:{EmulatorPort}/");

    /// <summary>The JWKS URL Boosted was given: the first silo's, as in docker-compose.yml.</summary>
    public Uri JwksUrl => new($"http://127.0.0.1:{Silos[0].Http}/.well-known/jwks.json");

    public Dictionary<string, string?> Emulator() => new()
    {
        ["urls"] = EmulatorUrl.ToString().TrimEnd('/'),
        ["Emulator__Partners__0__ClientId"] = ClientId,
        ["Emulator__Partners__0__ClientSecret"] = ClientSecret,
        ["Emulator__Partners__0__JwksUri"] = JwksUrl.ToString(),
        ["Emulator__Partners__0__Audience"] = new Uri(EmulatorUrl, "oauth2/token").ToString(),
        ["Emulator__JwksCacheSeconds"] = "600",
    };

    public Dictionary<string, string?> Silo(int index)
    {
        var ports = Silos[index];
        return new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{ports.Http}",
            ["Boosted__BaseUrl"] = EmulatorUrl.ToString(),
            ["Boosted__ClientId"] = ClientId,
            ["Boosted__ClientSecret"] = ClientSecret,
            ["Jwks__PublicUrl"] = JwksUrl.ToString(),
            // As in docker-compose.yml, whose private network needs it (loopback here would not).
            ["Boosted__AllowHttp"] = "true",
            // As in docker-compose.yml: the Boosted here is a standalone emulator, so the compose file's published key is accepted.
            ["Emulator__External"] = "true",
            ["Gateway__ApiKeys__0"] = ApiKey,
            ["Storage__AzureTableConnectionString"] = ConnectionString,
            ["Cluster__ClusterId"] = ClusterId,
            ["Cluster__ServiceId"] = ServiceId,
            ["Cluster__SiloPort"] = ports.Silo.ToString(),
            ["Cluster__GatewayPort"] = ports.Gateway.ToString(),
            ["Cluster__AdvertisedIP"] = "127.0.0.1",
            ["KeyRing__Kek__Id"] = KekId,
            ["KeyRing__Kek__Key"] = KekKey,
        };
    }

    /// <summary>A silo's HTTP, silo-to-silo and gateway ports, kept across its restarts.</summary>
    public sealed record SiloPorts(int Http, int Silo, int Gateway);
}
