namespace BoostedGrains.Emulator.Hosting;

/// <summary>The emulator's time source, kept apart from a host's own <see cref="TimeProvider"/> registration so that a fake clock
/// given to the emulator never slows down Kestrel or other services.</summary>
internal sealed class EmulatorClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    public DateTimeOffset UtcNow => Time.GetUtcNow();
}
