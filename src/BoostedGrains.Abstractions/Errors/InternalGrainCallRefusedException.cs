namespace BoostedGrains.Errors;

/// <summary>
/// An Orleans client called a grain method that only the silos may call (the key ring, the management token, user
/// re-provisioning). Nothing was done. Operators use the admin HTTP API instead; app servers use <c>IUserTokenGrain</c>.
/// </summary>
[GenerateSerializer]
public sealed class InternalGrainCallRefusedException(string message) : Exception(message);
