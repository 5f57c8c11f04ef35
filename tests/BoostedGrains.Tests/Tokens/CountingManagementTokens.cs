using BoostedGrains.Boosted;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Tokens;

/// <summary>Hands out <c>mgmt-N</c>, moving to the next N when the current one is rejected; counts rejections.</summary>
public sealed class CountingManagementTokens : IManagementTokenSource
{
    private int _generation = 1;
    private int _rejections;

    public string Current => $"mgmt-{Volatile.Read(ref _generation)}";

    public int Rejections => Volatile.Read(ref _rejections);

    public Task<AccessToken> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new AccessToken(Current, DateTimeOffset.UtcNow.AddHours(1), "account-management"));

    public Task RejectAsync(AccessToken token, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _rejections);
        if (token.Value == Current)
            Interlocked.Increment(ref _generation);
        return Task.CompletedTask;
    }
}
