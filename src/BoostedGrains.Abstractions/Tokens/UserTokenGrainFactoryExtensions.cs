using System.Runtime.CompilerServices;
using BoostedGrains.Errors;
using Orleans.Runtime;

namespace BoostedGrains.Tokens;

/// <summary>Gets user grains by validated user ID.</summary>
public static class UserTokenGrainFactoryExtensions
{
    // Orleans' GetGrain<T>(key) resolves the interface's grain type by reflection and type-name formatting on every
    // call (about a kilobyte of garbage per reference). A user reference is made per request, so the two types are
    // resolved once per factory and each reference is made from its grain ID directly.
    private static readonly ConditionalWeakTable<IGrainFactory, GrainTypes> Resolved = new();

    /// <summary>The grain of <paramref name="userId"/>; throws <see cref="InvalidUserIdException"/> for a bad ID.</summary>
    public static IUserTokenGrain GetUserTokenGrain(this IGrainFactory grains, string userId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var key = UserIds.Validate(userId);
        if (Resolved.TryGetValue(grains, out var types))
            return (IUserTokenGrain)grains.GetGrain(GrainId.Create(types.Grain, IdSpan.Create(key)), types.Interface);
        var grain = grains.GetGrain<IUserTokenGrain>(key);
        if (grain is GrainReference reference)
            Resolved.TryAdd(grains, new GrainTypes(reference.GrainId.Type, reference.InterfaceType));
        return grain;
    }

    private sealed record GrainTypes(GrainType Grain, GrainInterfaceType Interface);
}
