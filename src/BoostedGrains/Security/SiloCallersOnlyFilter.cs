using System.Collections.Concurrent;
using System.Reflection;
using BoostedGrains.Errors;

namespace BoostedGrains.Security;

/// <summary>
/// Refuses calls from Orleans clients to methods marked <see cref="SiloCallersOnlyAttribute"/>. A call counts as from a
/// silo when it comes from a grain, a system target, or a silo's own hosted client (the admin API, startup and
/// background services, which call grains from outside a grain turn).
/// </summary>
/// <remarks>
/// The caller's identity is the one its connection claims: this stops every stock Orleans client, while a forged
/// message is kept out by the transport (mutual TLS and firewalled ports, see the README's exposure table).
/// </remarks>
internal sealed class SiloCallersOnlyFilter : IIncomingGrainCallFilter
{
    // Orleans names the client that lives inside each silo "hosted-{silo address}" (HostedClient.CreateHostedClientGrainId).
    private const string HostedClientPrefix = "hosted-";

    private static readonly ConcurrentDictionary<MethodInfo, bool> SiloOnly = new();

    /// <inheritdoc />
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (IsSiloOnly(context.InterfaceMethod) && IsFromClient(context.SourceId))
            throw new InternalGrainCallRefusedException(
                $"{context.InterfaceMethod.DeclaringType?.Name}.{context.InterfaceMethod.Name} is internal to the BoostedGrains silos and refuses calls from Orleans clients. " +
                "Operators use the admin HTTP API (/admin on a silo); app servers use IUserTokenGrain.");
        return context.Invoke();
    }

    private static bool IsSiloOnly(MethodInfo method) => SiloOnly.GetOrAdd(method, static m =>
        m.IsDefined(typeof(SiloCallersOnlyAttribute), inherit: false)
        || m.DeclaringType?.IsDefined(typeof(SiloCallersOnlyAttribute), inherit: false) == true);

    // No source at all is treated as outside: refusing an unknown caller is the safe side.
    private static bool IsFromClient(GrainId? source)
    {
        if (source is not { } id)
            return true;
        if (!GrainTypePrefix.IsClient(id))
            return false;
        return !id.Key.ToString().StartsWith(HostedClientPrefix, StringComparison.Ordinal);
    }
}
