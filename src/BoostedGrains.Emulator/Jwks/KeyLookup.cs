using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Emulator.Jwks;

/// <summary>The key found for a <c>kid</c>, or why none could be used.</summary>
internal sealed record KeyLookup(JsonWebKey? Key, string? Failure);
