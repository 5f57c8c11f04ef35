using System.Diagnostics;

namespace BoostedGrains.Diagnostics;

/// <summary>The trace source of token exchanges and provisioning (<c>BoostedGrains</c>). Spans carry no token, assertion or user ID.</summary>
public static class BoostedActivitySource
{
    /// <summary>The source name to subscribe to (<c>AddSource</c>).</summary>
    public const string Name = "BoostedGrains";

    /// <summary>The shared source.</summary>
    public static ActivitySource Instance { get; } = new(Name);
}
