namespace BoostedGrains.Hosting.Tests.Deploy;

/// <summary>A test that renders the overlays with <c>kubectl kustomize</c>: skipped, saying why, where kubectl is not installed.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (!Manifests.KubectlInstalled)
            Skip = "kubectl is not installed: the overlays cannot be rendered here";
    }
}
