using BoostedGrains.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the silo-only rule on a silo (part of <c>AddBoostedGrains</c>).</summary>
internal static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Proofs on this host's calls to silo-only methods, from the <c>KeyRing</c> KEKs. On a silo, also the filter that
    /// refuses such calls without one. Tests give it to their inspection clients, which hold the cluster's KEK.
    /// </summary>
    public static IServiceCollection AddSiloCallProof(this IServiceCollection services, bool refuseUnproven = true)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SiloCallProof>();
        // What the builders' AddIncomingGrainCallFilter/AddOutgoingGrainCallFilter do: Orleans runs every registered one.
        services.AddSingleton<IOutgoingGrainCallFilter, SiloCallProofFilter>();
        if (refuseUnproven)
            services.AddSingleton<IIncomingGrainCallFilter, SiloCallersOnlyFilter>();
        return services;
    }
}
