using System.Collections.Concurrent;
using System.Security.Cryptography;
using BoostedGrains.Emulator.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Emulator.Tokens;

/// <summary>Issues opaque access tokens and resolves them until they expire.</summary>
internal sealed class AccessTokenStore(EmulatorOptions options, EmulatorClock clock)
{
    private const int SweepEvery = 1024;

    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private long _issued;

    public TimeSpan Lifetime => TimeSpan.FromSeconds(options.TokenLifetimeSeconds);

    public string Issue(string clientId, Guid? userId, IReadOnlySet<string> scopes)
    {
        // 32 random bytes: unguessable, and deliberately not a JWT so partners cannot start parsing it.
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _tokens[token] = new IssuedToken(clientId, userId, scopes, clock.UtcNow + Lifetime);
        if (Interlocked.Increment(ref _issued) % SweepEvery == 0)
        {
            Sweep();
        }

        return token;
    }

    /// <summary>Returns the token's grant, or null when it is unknown or expired.</summary>
    public IssuedToken? Find(string token)
    {
        if (!_tokens.TryGetValue(token, out var issued))
        {
            return null;
        }

        if (clock.UtcNow < issued.ExpiresAt)
        {
            return issued;
        }

        _tokens.TryRemove(token, out _);
        return null;
    }

    private void Sweep()
    {
        var now = clock.UtcNow;
        foreach (var (token, issued) in _tokens)
        {
            if (issued.ExpiresAt <= now)
            {
                _tokens.TryRemove(token, out _);
            }
        }
    }
}
