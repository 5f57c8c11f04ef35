using System.Text;
using BoostedGrains.Keys;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Tokens;

/// <summary>
/// Seals user tokens for storage under the KEK that protects the private keys. The user, the scope and the expiry are
/// the associated data: a ciphertext copied to another user's row, or given another expiry, does not decrypt.
/// </summary>
public sealed class UserTokenProtector(IOptions<KeyRingOptions> options, ILogger<UserTokenProtector> logger)
{
    private readonly KekSet _keks = new(options.Value, logger);

    /// <summary>Encrypts <paramref name="token"/> of <paramref name="userId"/>, held for <paramref name="scope"/>, under the current KEK.</summary>
    public StoredToken Protect(string userId, string scope, AccessToken token, DateTimeOffset obtainedAt) => new()
    {
        KekId = _keks.CurrentId,
        Data = AesGcmEnvelope.Seal(_keks.CurrentSubKey(KekPurpose.UserToken), Encoding.UTF8.GetBytes(token.Value),
            AssociatedData(CurrentFormat, _keks.CurrentId, userId, scope, token.ExpiresAt)),
        Format = CurrentFormat,
        ExpiresAt = token.ExpiresAt,
        ObtainedAt = obtainedAt,
        Scope = scope,
    };

    /// <summary>The token, or null when the KEK is unknown or the data does not belong to this user and scope.</summary>
    public AccessToken? TryUnprotect(string userId, string scope, StoredToken stored)
    {
        var kek = stored.Format == CurrentFormat ? _keks.FindSubKey(stored.KekId, KekPurpose.UserToken) : _keks.Find(stored.KekId);
        if (kek is null)
            return null;
        var value = AesGcmEnvelope.TryOpen(kek, stored.Data, AssociatedData(stored.Format, stored.KekId, userId, scope, stored.ExpiresAt));
        return value is null ? null : new AccessToken(Encoding.UTF8.GetString(value), stored.ExpiresAt, scope);
    }

    // Sealed under the KEK's user-token sub-key; format 0 (the KEK itself) is still read.
    private const int CurrentFormat = 1;

    // Length-prefixed, so that no user ID and scope pair can be read as another.
    private static byte[] AssociatedData(int format, string kekId, string userId, string scope, DateTimeOffset expiresAt) => format == CurrentFormat
        ? LengthPrefixed.Encode("user-token", kekId, userId, scope, expiresAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture))
        : Encoding.UTF8.GetBytes($"user-token\n{kekId.Length}:{kekId}\n{userId.Length}:{userId}\n{scope.Length}:{scope}\n{expiresAt.UtcTicks}");
}
