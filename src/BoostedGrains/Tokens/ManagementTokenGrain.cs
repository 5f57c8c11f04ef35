using BoostedGrains.Boosted;
using BoostedGrains.Diagnostics;
using BoostedGrains.Keys;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace BoostedGrains.Tokens;

/// <summary>
/// Holds the management token of one scope set. Reentrant, so callers get the valid token while a renewal is in
/// flight; renewal is triggered by the call that finds the token in its refresh window, since provisioning is bursty
/// and a timer would keep renewing a token nobody needs.
/// </summary>
[Reentrant]
public sealed class ManagementTokenGrain(
    BoostedTokenClient tokenClient,
    IAssertionSigner signer,
    IOptions<BoostedOptions> options,
    TimeProvider time,
    BoostedGrainsMetrics metrics) : Grain, IManagementTokenGrain
{
    private readonly RenewableToken _token = new(options.Value, time, metrics, "management");
    private readonly string _clientId = options.Value.ClientId!;

    /// <inheritdoc />
    public Task<AccessToken> GetTokenAsync() => _token.GetAsync(ExchangeAsync);

    /// <inheritdoc />
    public Task ReportRejectedTokenAsync(string accessTokenSha256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessTokenSha256);
        _token.Reject(accessTokenSha256, ExchangeAsync);
        return Task.CompletedTask;
    }

    private async Task<AccessToken> ExchangeAsync()
    {
        // A fresh assertion per attempt: a retry after a lost answer must not replay the jti.
        return await tokenClient.ExchangeAsync(ct => signer.CreateAssertionAsync(_clientId, ct), this.GetPrimaryKeyString());
    }
}
