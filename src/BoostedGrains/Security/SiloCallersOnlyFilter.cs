using System.Diagnostics.Metrics;
using BoostedGrains.Diagnostics;
using BoostedGrains.Errors;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Security;

/// <summary>
/// Refuses calls to silo-only methods (<see cref="SiloOnlySurface"/>) that carry no valid <see cref="SiloCallProof"/>:
/// every call from an Orleans client, whatever caller ID or request context it sends. The caller ID is not looked at:
/// the gateway forwards whatever a client writes there.
/// </summary>
internal sealed partial class SiloCallersOnlyFilter : IIncomingGrainCallFilter
{
    private readonly SiloCallProof _proof;
    private readonly ILogger _logger;
    private readonly Counter<long> _refused;

    public SiloCallersOnlyFilter(SiloCallProof proof, ILogger<SiloCallersOnlyFilter> logger, IMeterFactory meters)
    {
        _proof = proof;
        _logger = logger;
        _refused = meters.Create(BoostedGrainsMetrics.MeterName).CreateCounter<long>("boostedgrains.silo_only.refused",
            description: "Calls to silo-only grain methods refused because they did not come from a silo (method=Interface.Method).");
    }

    /// <inheritdoc />
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var proof = RequestContext.Get(SiloCallProof.ContextKey);
        if (proof is not null)
            RequestContext.Remove(SiloCallProof.ContextKey); // valid for this call only, never passed on
        if (!SiloOnlySurface.Covers(context.InterfaceMethod)
            || _proof.Verify(proof, context.TargetId, context.InterfaceType, context.MethodName))
            return context.Invoke();

        var method = $"{context.InterfaceMethod.DeclaringType?.Name}.{context.InterfaceMethod.Name}";
        _refused.Add(1, new KeyValuePair<string, object?>("method", method));
        LogRefused(_logger, method, context.TargetId, context.SourceId, proof is not null);
        throw new InternalGrainCallRefusedException(
            $"{method} is internal to the BoostedGrains silos and refuses calls from Orleans clients. " +
            "Operators use the admin HTTP API (/admin on a silo); app servers use IUserTokenGrain.");
    }

    [LoggerMessage(EventId = 9101, EventName = "SiloOnlyCallRefused", Level = LogLevel.Warning,
        Message = "Refused {Method} on {Target}: the call did not come from a silo (caller ID claimed: {Source}, silo proof present: {ProofPresent}). "
            + "An Orleans client reached the gateway and called a silo-only grain; check who holds a certificate for the gateway.")]
    private static partial void LogRefused(ILogger logger, string method, GrainId target, GrainId? source, bool proofPresent);
}
