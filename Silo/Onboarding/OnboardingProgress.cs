namespace BoostedGrains.Silo.Onboarding;

/// <summary>Where an onboarding run stands.</summary>
/// <param name="Total">Valid rows to provision.</param>
/// <param name="Created">Users provisioned by this run.</param>
/// <param name="Existing">Users that were provisioned already (an earlier run, or first use).</param>
/// <param name="Failed">Rows the cluster could not provision.</param>
public sealed record OnboardingProgress(int Total, int Created, int Existing, int Failed)
{
    /// <summary>Rows finished, whatever their outcome.</summary>
    public int Done => Created + Existing + Failed;
}
