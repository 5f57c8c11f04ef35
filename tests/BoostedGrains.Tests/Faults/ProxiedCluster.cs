using BoostedGrains.Boosted;
using BoostedGrains.Tests.Infrastructure;

namespace BoostedGrains.Tests.Faults;

/// <summary>
/// <see cref="BoostedCluster"/> with a <see cref="BoostedProxy"/> between the silos and the emulator, so that every
/// token request is attributed to its user and timed, and wire faults can be injected. The emulator still plays Boosted
/// and still switches its own faults.
/// </summary>
public abstract class ProxiedCluster : BoostedCluster, IAsyncLifetime
{
    private BoostedProxy? _proxy;

    public BoostedProxy Proxy => _proxy ?? throw new InvalidOperationException("The proxy starts with the cluster.");

    /// <summary>Cluster settings of this fixture (retries, timeouts, breaker).</summary>
    protected abstract IDictionary<string, string?> FaultSettings { get; }

    // Read once by the base class, after the emulator has started and before the silos start.
    protected sealed override IDictionary<string, string?> Settings
    {
        get
        {
            _proxy ??= BoostedProxy.StartAsync(Emulator.BaseUrl).GetAwaiter().GetResult();
            var settings = new Dictionary<string, string?>(FaultSettings)
            {
                ["Boosted:BaseUrl"] = _proxy.Url.ToString(),
                // Assertions are still for the emulator's token endpoint: the proxy is only a wire.
                ["Boosted:Audience"] = Emulator.TokenEndpoint.ToString(),
            };
            // Fault tests run on the product's backoff, not the short one the other cluster tests use.
            settings.TryAdd("Boosted:RetryBaseDelay", new BoostedOptions().RetryBaseDelay.ToString());
            return settings;
        }
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        // Every signing key the silos hold is a secret the suite-wide log scan looks for.
        foreach (var silo in Cluster.Silos)
        {
            foreach (var secret in PrivateKeyParameters.Of(KeyCache(silo.ServiceProvider).GetSigningKey().Credentials.Key))
                LogCapture.Suite.AddSecret(secret);
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_proxy is not null)
            await _proxy.DisposeAsync();
    }
}
