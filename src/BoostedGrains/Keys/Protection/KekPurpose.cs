namespace BoostedGrains.Keys;

/// <summary>What a sub-key of the KEK is for: each purpose gets its own key (HKDF), so no key serves two uses.</summary>
internal static class KekPurpose
{
    /// <summary>Encrypting the ring's private keys.</summary>
    public const string PrivateKey = "boostedgrains/private-key/v1";

    /// <summary>Encrypting stored user tokens.</summary>
    public const string UserToken = "boostedgrains/user-token/v1";

    /// <summary>Authenticating stored records (who they belong to, what they point at).</summary>
    public const string RecordBinding = "boostedgrains/record-binding/v1";
}
