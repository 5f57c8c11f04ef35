using System.Diagnostics;
using System.Security.Cryptography;
using BoostedGrains.Keys;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>
/// How many assertions this machine signs per second on all cores, with the claims and library the product uses:
/// the ceiling any exchange rate is judged against.
/// </summary>
public static class SignRate
{
    public static double Measure(KeyAlgorithm algorithm, TimeSpan duration)
    {
        SigningCredentials credentials = algorithm == KeyAlgorithm.ES256
            ? new SigningCredentials(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)), SecurityAlgorithms.EcdsaSha256)
            : new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)), SecurityAlgorithms.RsaSha256);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        // Nothing left to collect from an earlier row while measuring.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        long signed = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, Environment.ProcessorCount, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, _ =>
        {
            while (clock.Elapsed < duration)
            {
                var now = DateTime.UtcNow;
                handler.CreateToken(new SecurityTokenDescriptor
                {
                    Issuer = "bench-partner",
                    Audience = "http://127.0.0.1/oauth2/token",
                    IssuedAt = now,
                    Expires = now.AddSeconds(240),
                    TokenType = "JWT",
                    SigningCredentials = credentials,
                    Claims = new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString(), ["jti"] = Guid.NewGuid().ToString("N") },
                });
                Interlocked.Increment(ref signed);
            }
        });
        return signed / clock.Elapsed.TotalSeconds;
    }
}
