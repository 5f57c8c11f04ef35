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
        Data = AesGcmEnvelope.Seal(_keks.Current, Encoding.UTF8.GetBytes(token.Value), AssociatedData(_keks.CurrentId, userId, scope, token.ExpiresAt)),
        ExpiresAt = token.ExpiresAt,
        ObtainedAt = obtainedAt,
        Scope = scope,
    };

    /// <summary>The token, or null when the KEK is unknown or the data does not belong to this user and scope.</summary>
    public AccessToken? TryUnprotect(string userId, string scope, StoredToken stored)
    {
        if (_keks.Find(stored.KekId) is not { } kek)
            return null;
        var value = AesGcmEnvelope.TryOpen(kek, stored.Data, AssociatedData(stored.KekId, userId, scope, stored.ExpiresAt));
        return value is null ? null : new AccessToken(Encoding.UTF8.GetString(value), stored.ExpiresAt, scope);
    }

    // Length-prefixed, so that no user ID and scope pair can be read as another.
    private static byte[] AssociatedData(string kekId, string userId, string scope, DateTimeOffset expiresAt) =>
        Encoding.UTF8.GetBytes($"user-token\n{kekId.Length}:{kekId}\n{userId.Length}:{userId}\n{scope.Length}:{scope}\n{expiresAt.UtcTicks}");
}
