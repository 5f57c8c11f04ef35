using BoostedGrains.Errors;

namespace BoostedGrains.Tokens;

/// <summary>Gets user grains by validated user ID.</summary>
public static class UserTokenGrainFactoryExtensions
{
    /// <summary>The grain of <paramref name="userId"/>; throws <see cref="InvalidUserIdException"/> for a bad ID.</summary>
    public static IUserTokenGrain GetUserTokenGrain(this IGrainFactory grains, string userId) =>
        grains.GetGrain<IUserTokenGrain>(UserIds.Validate(userId));
}
