namespace BoostedGrains.Emulator.Hosting;

/// <summary>Lends a caller's logger provider to the emulator's host without letting the host dispose it on stop.</summary>
internal sealed class NonDisposingLoggerProvider(ILoggerProvider inner) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

    public void Dispose()
    {
        // The caller owns the provider.
    }
}
