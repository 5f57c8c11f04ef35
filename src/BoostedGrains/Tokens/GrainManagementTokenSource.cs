using BoostedGrains.Boosted;

namespace BoostedGrains.Tokens;

/// <summary>Gets the account-management token from its grain, so the whole cluster shares one token and one exchange.</summary>
internal sealed class GrainManagementTokenSource(IGrainFactory grains) : IManagementTokenSource
{
    private IManagementTokenGrain Grain => grains.GetGrain<IManagementTokenGrain>(IManagementTokenGrain.AccountManagement);

    /// <inheritdoc />
    public Task<AccessToken> GetAsync(CancellationToken cancellationToken = default) => Grain.GetTokenAsync();

    /// <inheritdoc />
    public Task RejectAsync(AccessToken token, CancellationToken cancellationToken = default) => Grain.ReportRejectedTokenAsync(token.Sha256);
}
