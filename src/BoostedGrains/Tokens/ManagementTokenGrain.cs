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
    private readonly string _clientId = options.Value.ClientId!;
    private Token? _token;

    private Token Current => _token ??= new Token(this, options.Value, time, metrics);

    /// <inheritdoc />
    public Task<AccessToken> GetTokenAsync() => Current.GetAsync();

    /// <inheritdoc />
    public Task ReportRejectedTokenAsync(string accessTokenSha256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessTokenSha256);
        Current.Reject(accessTokenSha256);
        return Task.CompletedTask;
    }

    private async Task<AccessToken> ExchangeAsync()
    {
        // A fresh assertion per attempt: a retry after a lost answer must not replay the jti.
        return await tokenClient.ExchangeAsync(ct => signer.CreateAssertionAsync(_clientId, ct), this.GetPrimaryKeyString());
    }

    private sealed class Token(ManagementTokenGrain grain, BoostedOptions options, TimeProvider time, BoostedGrainsMetrics metrics)
        : RenewableToken
    {
        protected override BoostedOptions Options => options;

        protected override TimeProvider Time => time;

        protected override BoostedGrainsMetrics Metrics => metrics;

        protected override string Kind => "management";

        protected override Task<AccessToken> ExchangeAsync() => grain.ExchangeAsync();
    }
}
