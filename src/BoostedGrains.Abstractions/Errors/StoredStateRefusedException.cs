namespace BoostedGrains.Errors;

/// <summary>
/// A grain found stored state that belongs to another ID or fails its integrity check (a storage writer changed it, or
/// the KEK that sealed it is not configured). The grain serves nothing from it; the message says what to do.
/// </summary>
[GenerateSerializer]
public sealed class StoredStateRefusedException(string message) : Exception(message);
