using BoostedGrains.Emulator;

namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// The embedded emulator (configuration section <c>Emulator</c>): whether and where the silo runs it, and the emulator's
/// own settings (token lifetime, JWKS cache, faults), which keep the names the standalone emulator reads.
/// </summary>
public sealed class EmbeddedBoostedOptions : EmulatorOptions
{
    public const string SectionName = "Emulator";

    /// <summary>
    /// <c>Emulator__Enabled</c>: run the embedded emulator. Unset: on exactly when no <c>Boosted__BaseUrl</c> is set and the
    /// silo is neither on Azure storage nor on TLS (such a silo refuses to start without one of the two settings).
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// <c>Emulator__External</c>: the Boosted at <c>Boosted__BaseUrl</c> is a standalone emulator (a development topology
    /// such as docker-compose.yml), so the silo accepts development API and admin keys, as with the embedded one.
    /// </summary>
    public bool External { get; set; }

    /// <summary><c>Emulator__Url</c>: where the embedded emulator listens (default a free loopback port).</summary>
    public string Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>The <c>Emulator</c> section of <paramref name="configuration"/>: read while the silo is composed, which adds the emulator or not.</summary>
    public static EmbeddedBoostedOptions Bind(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<EmbeddedBoostedOptions>() ?? new EmbeddedBoostedOptions();
}
