namespace BoostedGrains.Security;

/// <summary>
/// Marks a grain interface, or one of its methods, as callable from inside the silos only: calls that come from an
/// Orleans client are refused by <see cref="SiloCallersOnlyFilter"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Method, Inherited = false)]
public sealed class SiloCallersOnlyAttribute : Attribute;
