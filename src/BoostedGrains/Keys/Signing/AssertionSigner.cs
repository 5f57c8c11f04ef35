using BoostedGrains.Boosted;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Keys;

/// <summary>Signs docs/boosted-api.md §2 assertions with this silo's cached key; never calls the key ring grain.</summary>
public sealed class AssertionSigner(SigningKeyCache cache, IOptions<BoostedOptions> boosted, TimeProvider time) : IAssertionSigner
{
    /// <summary>The longest assertion lifetime Boosted accepts (spec §3).</summary>
    public static readonly TimeSpan BoostedMaxLifetime = TimeSpan.FromSeconds(300);

    /// <summary>The clock skew allowed between the silos and Boosted.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    /// <summary>The assertion lifetime: under Boosted's limit by the clock skew, so that a fast silo clock is not refused.</summary>
    public static readonly TimeSpan Lifetime = BoostedMaxLifetime - ClockSkew;

    /// <summary>
    /// How long after signing an assertion may still be verified: Boosted's limit plus the skew. A key must stay published
    /// (and stop signing) at least this long before its removal.
    /// </summary>
    public static readonly TimeSpan LongestLife = BoostedMaxLifetime + ClockSkew;

    // No default times: the handler would otherwise add an nbf and take its clock from DateTime.UtcNow.
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <inheritdoc />
    public ValueTask<string> CreateAssertionAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        // A silo that has just joined hosts grains before its first refresh: load the ring now instead of failing the call.
        return cache.IsLoaded ? ValueTask.FromResult(Sign(subject)) : LoadThenSignAsync(subject, cancellationToken);
    }

    private async ValueTask<string> LoadThenSignAsync(string subject, CancellationToken cancellationToken)
    {
        try
        {
            await cache.LoadOnceAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The refresh service keeps trying; this caller gets the typed reason from GetSigningKey below.
        }
        return Sign(subject);
    }

    private string Sign(string subject)
    {
        var key = cache.GetSigningKey();
        var options = boosted.Value;
        var clientId = options.ClientId
            ?? throw new InvalidOperationException("Boosted__ClientId is not set: give the client ID Boosted issued to you.");
        if (options.Audience is null && options.TokenEndpoint is null && options.BaseUrl is null)
        {
            throw new InvalidOperationException("Boosted__BaseUrl is not set (nor Boosted__Audience): the assertion has no audience.");
        }
        // Whole seconds, so that exp - iat is exactly the lifetime once both are written as NumericDate.
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = options.ResolveAudience(),
            IssuedAt = now.UtcDateTime,
            Expires = now.Add(Lifetime).UtcDateTime,
            TokenType = "JWT",
            SigningCredentials = key.Credentials,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = subject,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
        };
        return _handler.CreateToken(descriptor);
    }
}
