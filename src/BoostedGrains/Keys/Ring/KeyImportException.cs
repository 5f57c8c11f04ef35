namespace BoostedGrains.Keys;

/// <summary>A key given to import (<c>KeyRing__Import__*</c>) is unusable or clashes with the ring; nothing was changed.</summary>
[GenerateSerializer]
public sealed class KeyImportException(string message) : InvalidOperationException(message);
