using BoostedGrains.Keys;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Hosting;

/// <summary>
/// An external Boosted with in-memory storage is a trap: every restart creates a new key ring whose first key signs at
/// once, while Boosted still caches the old JWKS, so exchanges fail with <c>invalid_grant</c> until it refetches.
/// Only the embedded emulator, which starts and forgets with the silo, is safe without storage.
/// </summary>
internal sealed class EphemeralKeyRingRequirement : IValidateOptions<KeyRingOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyRingOptions options) => options.AllowEphemeral
        ? ValidateOptionsResult.Success
        : ValidateOptionsResult.Fail(
            "Boosted__BaseUrl is set but Storage__AzureTableConnectionString is not: the key ring would live in memory, and after "
            + "every restart this silo would sign with a key Boosted has never fetched (invalid_grant until Boosted refetches the "
            + "JWKS). Set Storage__AzureTableConnectionString (and KeyRing__Kek__Id, KeyRing__Kek__Key), or set "
            + "KeyRing__AllowEphemeral=true if a Boosted that forgets keys with this silo (a local emulator) is meant.");
}
