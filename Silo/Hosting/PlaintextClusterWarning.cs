namespace BoostedGrains.Silo.Hosting;

/// <summary>
/// Says once, at start, that a production silo (Azure storage) speaks plaintext on its Orleans ports. A warning, not a
/// refusal: see the README's "Exposure and TLS" section for why.
/// </summary>
public sealed partial class PlaintextClusterWarning(ILogger<PlaintextClusterWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogPlaintext(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "TLS is off: this silo uses Azure storage, but no Tls__CertificatePath or Tls__CertificateSubject is set, so silo-to-silo and " +
        "client traffic (tokens included) crosses the network in clear and anyone who reaches the silo or gateway port can join. " +
        "Set the Tls__* settings (README: Exposure and TLS) unless the network itself is encrypted and closed.")]
    private static partial void LogPlaintext(ILogger logger);
}
