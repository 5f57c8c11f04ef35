namespace BoostedGrains.Security;

/// <summary>Attaches a <see cref="SiloCallProof"/> to every call this host makes to a silo-only method (<see cref="SiloOnlySurface"/>).</summary>
internal sealed class SiloCallProofFilter(SiloCallProof proof) : IOutgoingGrainCallFilter
{
    /// <inheritdoc />
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        // Set inside this async method, the entry is gone from the caller's request context once the call returns.
        if (SiloOnlySurface.Covers(context.InterfaceMethod))
            RequestContext.Set(SiloCallProof.ContextKey, proof.Mint(context.TargetId, context.InterfaceType, context.MethodName));
        await context.Invoke();
    }
}
