using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Emulator.Jwks;

/// <summary>One fetched JWKS: the usable signing keys by <c>kid</c> and when the copy stops being trusted.</summary>
internal sealed record JwksSnapshot(IReadOnlyDictionary<string, JsonWebKey> Keys, DateTimeOffset ExpiresAt);
