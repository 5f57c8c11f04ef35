using BoostedGrains.Tokens;

namespace BoostedGrains.Boosted;

/// <summary>Supplies the service-account token (scope <c>account-management</c>) that account-management calls carry.</summary>
public interface IManagementTokenSource
{
    /// <summary>A valid management token, obtained or renewed if needed.</summary>
    Task<AccessToken> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Boosted answered 401 to <paramref name="token"/>: drop it, unless it has already been replaced.</summary>
    Task RejectAsync(AccessToken token, CancellationToken cancellationToken = default);
}
