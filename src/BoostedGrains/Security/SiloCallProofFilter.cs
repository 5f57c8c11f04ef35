namespace BoostedGrains.Security;

/// <summary>Attaches a <see cref="SiloCallProof"/> to every call this host makes to a silo-only method (<see cref="SiloOnlySurface"/>).</summary>
internal sealed class SiloCallProofFilter(SiloCallProof proof) : IOutgoingGrainCallFilter
{
    /// <inheritdoc />
    public Task Invoke(IOutgoingGrainCallContext context) =>
        // Every call a silo makes passes here: the others go straight on, without a state machine.
        SiloOnlySurface.Covers(context.InterfaceMethod) ? InvokeWithProofAsync(context) : context.Invoke();

    private async Task InvokeWithProofAsync(IOutgoingGrainCallContext context)
    {
        // Set inside this async method, the entry is gone from the caller's request context once the call returns.
        RequestContext.Set(SiloCallProof.ContextKey, proof.Mint(context.TargetId, context.InterfaceType, context.MethodName));
        await context.Invoke();
    }
}
