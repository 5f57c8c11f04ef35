using BoostedGrains.Keys;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Hosting;

/// <summary>
/// With persistent (Azure) storage the KEK must come from configuration: an ephemeral per-process KEK would make every
/// stored private key unreadable after a restart, and other silos could never decrypt it.
/// </summary>
internal sealed class PersistentKekRequirement : IValidateOptions<KeyRingOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyRingOptions options) => options.Kek.IsConfigured
        ? ValidateOptionsResult.Success
        : ValidateOptionsResult.Fail(
            "KeyRing__Kek__Id and KeyRing__Kek__Key must be set when Storage__AzureTableConnectionString is: private keys "
            + "are stored encrypted with that KEK and must be readable by every silo and after restarts (key: openssl rand -base64 32). "
            + "Keep the KEK in a secret store, not beside the data.");
}
