using BoostedGrains.Client;

namespace BoostedGrains.Integration.Tests.Client;

/// <summary>An app whose current user is whatever the test sets.</summary>
public sealed class FixedUserAccessor : IBoostedUserAccessor
{
    public string? UserId { get; set; }

    public ValueTask<string?> GetUserIdAsync(CancellationToken cancellationToken) => ValueTask.FromResult(UserId);
}
