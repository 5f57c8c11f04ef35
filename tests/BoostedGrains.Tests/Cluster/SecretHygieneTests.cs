using System.Text.Json;
using BoostedGrains.Emulator;
using BoostedGrains.Errors;
using BoostedGrains.Keys;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace BoostedGrains.Tests.Cluster;

/// <summary>
/// Design rule 8: after a flow that touches every secret (tokens, assertions, the client secret, the private key),
/// at Trace level, not one log line of the suite so far carries any of them, nor anything shaped like a JWT or a PEM key.
/// </summary>
public sealed class SecretHygieneTests(SecretHygieneTests.Fixture boosted) : IClassFixture<SecretHygieneTests.Fixture>
{
    public sealed class Fixture : BoostedCluster
    {
        protected override LogLevel LogLevel => LogLevel.Trace;
    }

    [Fact]
    public async Task No_log_line_carries_a_token_an_assertion_the_client_secret_or_a_private_key()
    {
        var secrets = new List<string> { boosted.ClientSecret };
        var user = $"secretive-{Guid.NewGuid():N}";
        var grain = boosted.Client.GetUserTokenGrain(user);
        var first = await grain.GetAccessTokenAsync();
        await grain.ReportRejectedTokenAsync(first.Sha256);
        var second = await grain.GetAccessTokenAsync();
        secrets.AddRange([first.Value, second.Value]);
        await Assert.ThrowsAsync<BoostedAuthException>(() => grain.GetAccessTokenAsync("analytics"));
        boosted.Emulator.SetFaults(new EmulatorFaults { Outage = true });
        await Assert.ThrowsAsync<BoostedUnavailableException>(() => boosted.Client.GetUserTokenGrain($"down-{Guid.NewGuid():N}").GetAccessTokenAsync());
        boosted.Emulator.SetFaults(new EmulatorFaults());

        var silo = boosted.Cluster.Silos[0].ServiceProvider;
        var assertion = await silo.GetRequiredService<IAssertionSigner>().CreateAssertionAsync("probe");
        secrets.Add(assertion);
        secrets.Add(assertion.Split('.')[2]);
        secrets.AddRange(PrivateParameters(BoostedCluster.KeyCache(silo).GetSigningKey().Credentials.Key));
        foreach (var secret in secrets)
            LogCapture.Suite.AddSecret(secret);

        var lines = LogCapture.Suite.Lines.ToList();
        Assert.True(lines.Count > 100, $"only {lines.Count} lines captured: the scan would prove nothing");
        foreach (var secret in LogCapture.Suite.Secrets)
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("eyJ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("PRIVATE KEY", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("client_secret=", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Typed_errors_and_status_never_carry_a_token_or_the_client_secret()
    {
        var grain = boosted.Client.GetUserTokenGrain($"status-{Guid.NewGuid():N}");
        var token = await grain.GetAccessTokenAsync();
        var error = await Assert.ThrowsAsync<BoostedAuthException>(() => grain.GetAccessTokenAsync("analytics"));
        var status = JsonSerializer.Serialize(await grain.GetStatusAsync());

        foreach (var text in new[] { error.ToString(), status, token.ToString() })
        {
            Assert.DoesNotContain(token.Value, text);
            Assert.DoesNotContain(boosted.ClientSecret, text);
        }
    }

    private static IEnumerable<string> PrivateParameters(SecurityKey key) => key switch
    {
        ECDsaSecurityKey ec => [Base64UrlEncoder.Encode(ec.ECDsa.ExportParameters(true).D!)],
        RsaSecurityKey rsa => Private(rsa.Rsa?.ExportParameters(true) ?? rsa.Parameters),
        _ => throw new InvalidOperationException($"Unexpected key type {key.GetType().Name}."),
    };

    private static IEnumerable<string> Private(System.Security.Cryptography.RSAParameters p) =>
        new[] { p.D, p.P, p.Q, p.DP, p.DQ, p.InverseQ }.Select(bytes => Base64UrlEncoder.Encode(bytes!));
}
