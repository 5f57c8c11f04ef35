using BoostedGrains.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Keys;

/// <summary>
/// Runs once the silo is active (grain calls work): imports the configured key, then loads the ring into
/// <see cref="SigningKeyCache"/>. A KEK that cannot decrypt the ring, or an unusable import, fails the silo's start
/// with the reason; the ring is left as it was. Any other failure (the ring's silo is briefly unreachable) is left to
/// the refresh service, and the silo reports not ready until it succeeds.
/// </summary>
internal sealed partial class KeyRingStartup(
    IGrainFactory grains,
    SigningKeyCache cache,
    IPrivateKeyProtector protector,
    IOptions<KeyRingOptions> options,
    AdminAudit audit,
    ILogger<KeyRingStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(KeyRingStartup), ServiceLifecycleStage.Active, StartAsync, _ => Task.CompletedTask);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ImportAsync();
            await cache.RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is KeyEncryptionKeyMismatchException or KeyImportException or Errors.StoredStateRefusedException)
        {
            LogCannotUseRing(logger, e.Message);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLoadFailed(logger, e);
        }
        if (cache.CannotDecryptSigner)
        {
            // The cache swallowed nothing here, but a snapshot read by the refresh service in between may have.
            throw new KeyEncryptionKeyMismatchException("The ring's signing key cannot be decrypted with this silo's KEK: set KeyRing__Kek__Id and KeyRing__Kek__Key to the KEK the ring was written with.");
        }
    }

    private async Task ImportAsync()
    {
        var import = options.Value.Import;
        if (!import.IsRequested)
        {
            return;
        }
        // A forced import skips the public-URL check: audited under its own action name.
        var action = import.Force ? "import_forced" : "import";
        var kid = import.Kid!;
        bool added;
        try
        {
            added = await grains.GetKeyRing().ImportAsync(KeyFactory.Import(import.ReadPem(), kid, protector), import.Force);
        }
        catch (KeyImportException)
        {
            audit.Record(action, kid, caller: ImportCaller, "refused");
            throw;
        }
        audit.Record(action, kid, caller: ImportCaller, added ? "done" : "already_done");
        if (added)
            LogImported(logger, kid);
        else
            LogImportedBefore(logger, kid);
    }

    // The audit's caller for an import: the setting that asked for it.
    private const string ImportCaller = "KeyRing__Import";

    [LoggerMessage(Level = LogLevel.Critical, Message = "The silo cannot use the key ring and stops: {Reason}")]
    private static partial void LogCannotUseRing(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The key ring could not be loaded at start; the silo stays not ready until the refresh succeeds")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported signing key {Kid} from KeyRing__Import: it signs once the public URL serves it (at once when forced)")]
    private static partial void LogImported(ILogger logger, string kid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing key {Kid} from KeyRing__Import was imported before; the ring is unchanged")]
    private static partial void LogImportedBefore(ILogger logger, string kid);
}
