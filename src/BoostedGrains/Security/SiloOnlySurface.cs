using System.Collections.Concurrent;
using System.Reflection;

namespace BoostedGrains.Security;

/// <summary>
/// Which grain methods only the silos may call: those marked <see cref="SiloCallersOnlyAttribute"/>, and every method of
/// Orleans' management grain and of the Orleans Dashboard's grains (which read any grain's state and run the cluster).
/// </summary>
internal static class SiloOnlySurface
{
    // By name: the dashboard's interfaces are internal to Orleans.Dashboard, which this library does not reference.
    private static readonly HashSet<string> ForeignInterfaces = new(StringComparer.Ordinal)
    {
        typeof(IManagementGrain).FullName!,
        "Orleans.Dashboard.Core.IDashboardGrain",
        "Orleans.Dashboard.Core.IDashboardRemindersGrain",
        "Orleans.Dashboard.Core.ISiloGrainService",
        "Orleans.Dashboard.Core.ISiloGrainProxy",
    };

    private static readonly ConcurrentDictionary<MethodInfo, bool> Cache = new();

    /// <summary>True when <paramref name="method"/> (a grain interface's method) is for callers inside the silos only.</summary>
    public static bool Covers(MethodInfo method) => Cache.GetOrAdd(method, static m =>
        m.IsDefined(typeof(SiloCallersOnlyAttribute), inherit: false)
        || m.DeclaringType is { } type
            && (type.IsDefined(typeof(SiloCallersOnlyAttribute), inherit: false) || ForeignInterfaces.Contains(type.FullName ?? "")));
}
