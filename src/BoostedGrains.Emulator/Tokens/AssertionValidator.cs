using System.Text.Json;
using BoostedGrains.Emulator.Hosting;
using BoostedGrains.Emulator.Jwks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Emulator.Tokens;

/// <summary>Verifies a partner's JWT assertion by the rules of docs/boosted-api.md §2, in its order: structure, header, key,
/// signature, claims. Microsoft.IdentityModel parses and checks the signature; the claim rules are the spec's own.</summary>
internal sealed class AssertionValidator(JwksCache jwks, ReplayCache replays, PartnerRegistry partners, EmulatorClock clock)
{
    public const int MaxLifetimeSeconds = 300;
    public const int SkewSeconds = 60;

    private static readonly JsonWebTokenHandler Handler = new();

    public async Task<AssertionResult> ValidateAsync(EmulatorPartner partner, string assertion, CancellationToken ct)
    {
        JsonWebToken jwt;
        JsonElement claims;
        try
        {
            jwt = new JsonWebToken(assertion);
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
            claims = payload.RootElement.Clone();
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            // Microsoft.IdentityModel also rejects well-formed JWTs whose registered claims have the wrong type (e.g. a
            // string nbf): that is an assertion fault, not an unparseable request.
            return IsJoseShaped(assertion)
                ? AssertionResult.InvalidGrant("a registered claim or header has the wrong type")
                : AssertionResult.Fail("invalid_request", "subject_token is not a parseable JWT");
        }

        if (jwt.IsEncrypted || claims.ValueKind != JsonValueKind.Object)
        {
            return AssertionResult.Fail("invalid_request", "subject_token is not a signed JWT with a JSON object payload");
        }

        var header = await VerifyHeaderAndSignatureAsync(partner, jwt, ct);
        return header ?? CheckClaims(partner, claims);
    }

    private async Task<AssertionResult?> VerifyHeaderAndSignatureAsync(EmulatorPartner partner, JsonWebToken jwt, CancellationToken ct)
    {
        var alg = jwt.Alg;
        if (alg is not (SecurityAlgorithms.RsaSha256 or SecurityAlgorithms.EcdsaSha256))
        {
            return AssertionResult.InvalidGrant($"alg '{alg}' is not accepted; use RS256 or ES256");
        }

        if (jwt.Typ != "JWT")
        {
            return AssertionResult.InvalidGrant("the typ header must be 'JWT'");
        }

        if (string.IsNullOrEmpty(jwt.Kid))
        {
            return AssertionResult.InvalidGrant("the kid header is required");
        }

        var lookup = await jwks.FindKeyAsync(partner, jwt.Kid, ct);
        if (lookup.Key is not { } key)
        {
            return AssertionResult.InvalidGrant(lookup.Failure!);
        }

        var keyType = alg == SecurityAlgorithms.RsaSha256 ? "RSA" : "EC";
        if (key.Kty != keyType || (!string.IsNullOrEmpty(key.Alg) && key.Alg != alg) || (keyType == "EC" && key.Crv != "P-256"))
        {
            return AssertionResult.InvalidGrant($"key '{jwt.Kid}' cannot verify {alg}");
        }

        var result = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = [alg],
            RequireSignedTokens = true,
            TryAllIssuerSigningKeys = false,
            // Issuer, audience and lifetime follow the spec's own rules (skew, 300 s lifetime, aud arrays) in CheckClaims.
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
        });
        return result.IsValid ? null : AssertionResult.InvalidGrant("the signature does not verify with the partner's key");
    }

    private AssertionResult CheckClaims(EmulatorPartner partner, JsonElement claims)
    {
        if (String(claims, "iss") != partner.ClientId)
        {
            return AssertionResult.InvalidGrant("iss must be the client ID");
        }

        if (String(claims, "sub") is not { Length: > 0 } subject)
        {
            return AssertionResult.InvalidGrant("the sub claim is required");
        }

        if (!HasAudience(claims, partners.AudienceOf(partner)))
        {
            return AssertionResult.InvalidGrant("aud does not hold the audience Boosted gave this partner");
        }

        if (Number(claims, "iat") is not { } iat || Number(claims, "exp") is not { } exp)
        {
            return AssertionResult.InvalidGrant("the iat and exp claims are required as NumericDate values");
        }

        if (String(claims, "jti") is not { Length: > 0 } jti)
        {
            return AssertionResult.InvalidGrant("the jti claim is required");
        }

        var now = clock.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        if (exp <= iat)
        {
            return AssertionResult.InvalidGrant("exp must be after iat");
        }

        if (exp - iat > MaxLifetimeSeconds)
        {
            return AssertionResult.InvalidGrant($"the assertion lifetime exp - iat exceeds {MaxLifetimeSeconds} s");
        }

        if (now > exp + SkewSeconds)
        {
            return AssertionResult.InvalidGrant("the assertion has expired");
        }

        if (iat > now + SkewSeconds)
        {
            return AssertionResult.InvalidGrant("iat is in the future");
        }

        if (claims.TryGetProperty("nbf", out _))
        {
            if (Number(claims, "nbf") is not { } nbf)
            {
                return AssertionResult.InvalidGrant("nbf must be a NumericDate");
            }

            if (nbf > now + SkewSeconds)
            {
                return AssertionResult.InvalidGrant("the assertion is not yet valid (nbf)");
            }
        }

        if (replays.IsReplay(partner.ClientId, jti))
        {
            return AssertionResult.InvalidGrant("jti has already been used");
        }

        return new AssertionResult(null, null, subject, jti, DateTimeOffset.FromUnixTimeMilliseconds((long)((exp + SkewSeconds) * 1000)));
    }

    private static bool IsJoseShaped(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[0]));
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[1]));
            return header.RootElement.ValueKind == JsonValueKind.Object && payload.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    private static bool HasAudience(JsonElement claims, string audience)
    {
        if (!claims.TryGetProperty("aud", out var aud))
        {
            return false;
        }

        return aud.ValueKind switch
        {
            JsonValueKind.String => aud.GetString() == audience,
            JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == audience),
            _ => false,
        };
    }

    private static string? String(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : null;
}
