using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Keys;

/// <summary>
/// Authenticates the stored key ring: every key's public half, private-key ciphertext and timeline, and the imported
/// kids, under one HMAC; and a generated key's kid must be its public key's thumbprint. A ring written without the
/// seal is taken only when every key that can sign proves its public half with its private half; it is sealed on load.
/// </summary>
internal sealed partial class KeyRingStateBinding(RecordBinder binder, IPrivateKeyProtector protector, ILogger<KeyRingStateBinding> logger)
    : SealedStateBinding<KeyRingState>(binder)
{
    protected override string Kind => "key ring";

    protected override string Recovery(string owner) =>
        "Check who can write the grain-state table, then restore the ring's row from a backup (or delete it: the silos make a new ring, "
        + "which Boosted learns from the JWKS).";

    protected override string?[] Fields(KeyRingState state)
    {
        var fields = new List<string?> { state.EverPublished ? "1" : "0", Count(state.Keys.Count) };
        foreach (var key in state.Keys)
        {
            var jwk = key.PublicKey;
            fields.AddRange([
                key.Kid, key.Algorithm.ToString(), jwk.Kty, jwk.Alg, jwk.Kid, jwk.N, jwk.E, jwk.Crv, jwk.X, jwk.Y,
                key.PrivateKey?.KekId, key.PrivateKey is { } p ? Convert.ToBase64String(p.Data) : null, key.PrivateKey?.Format.ToString(CultureInfo.InvariantCulture),
                Time(key.CreatedAt), Time(key.EligibleAt), Time(key.RetiresAt), Time(key.RemovesAt), Time(key.RevokedAt),
                Time(key.PubliclySeenAt), Time(key.PublicRunSince), key.AwaitsPublicUrl ? "1" : "0",
            ]);
        }
        fields.Add(Count(state.ImportedKids.Count));
        fields.AddRange(state.ImportedKids);
        return [.. fields];
    }

    protected override (string? Owner, string? KekId, byte[]? Tag) Stored(KeyRingState state, string owner) =>
        // The ring's record has no owner field: the tag covers the grain's key instead.
        (state.Seal is null && state.SealKekId is null ? null : owner, state.SealKekId, state.Seal);

    protected override void Store(KeyRingState state, string owner, string kekId, byte[] tag) =>
        (state.SealKekId, state.Seal) = (kekId, tag);

    // A silo with the wrong KEK stops with the error it always had (naming KeyRing__Kek), not a tampering report.
    protected override Exception WrongKek(string owner, string why) =>
        new KeyEncryptionKeyMismatchException($"The key ring {why}.");

    protected override void CheckContent(KeyRingState state, string owner)
    {
        foreach (var key in state.Keys)
        {
            // An imported key keeps the kid Boosted knows it by; every other kid is its key's thumbprint.
            if (key.PublicKey.Kid != key.Kid || (!state.ImportedKids.Contains(key.Kid) && KeyFactory.Thumbprint(key.PublicKey) != key.Kid))
                throw Refused(owner, $"holds key '{key.Kid}', whose kid is not its public key's thumbprint (it was changed outside the silo)");
        }
    }

    protected override KeyRingState Unbound(KeyRingState state, string owner)
    {
        CheckContent(state, owner);
        foreach (var key in state.Keys.Where(k => k.PrivateKey is not null))
        {
            var pkcs8 = protector.Unprotect(key.PrivateKey!, key.Kid);
            try
            {
                if (!KeyFactory.Matches(key.Algorithm, pkcs8, key.PublicKey))
                    throw Refused(owner, $"holds key '{key.Kid}', whose public key is not its private key's (it was changed outside the silo)");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }
        if (state.Keys.Count > 0)
            LogUnboundAccepted(logger, state.Keys.Count);
        return state;
    }

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);

    private static string? Time(DateTimeOffset? time) => time?.UtcTicks.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored key ring carries no seal (written by an earlier version): each of its {Count} keys proved "
        + "its public key with its private key, so it is taken and sealed now.")]
    private static partial void LogUnboundAccepted(ILogger logger, int count);
}
