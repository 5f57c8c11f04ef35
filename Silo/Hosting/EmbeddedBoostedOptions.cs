namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// Whether and where the silo runs its embedded emulator (configuration section <c>Emulator</c>, which also carries the
/// emulator's own <c>EmulatorOptions</c>: token lifetime, JWKS cache, faults).
/// </summary>
public sealed class EmbeddedBoostedOptions
{
    public const string SectionName = "Emulator";

    /// <summary><c>Emulator__Enabled</c>: run the embedded emulator. Unset: on exactly when no <c>Boosted__BaseUrl</c> is set.</summary>
    public bool? Enabled { get; set; }

    /// <summary><c>Emulator__Url</c>: where the embedded emulator listens (default a free loopback port).</summary>
    public string Url { get; set; } = "http://127.0.0.1:0";
}
