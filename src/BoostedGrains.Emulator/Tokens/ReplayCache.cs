using System.Collections.Concurrent;
using BoostedGrains.Emulator.Hosting;

namespace BoostedGrains.Emulator.Tokens;

/// <summary>Remembers the <c>jti</c> of every accepted assertion, per partner, until its <c>exp</c> + 60 s.</summary>
internal sealed class ReplayCache(EmulatorClock clock)
{
    private const int SweepEvery = 1024;

    private readonly ConcurrentDictionary<(string ClientId, string Jti), DateTimeOffset> _seen = new();
    private long _added;

    public bool IsReplay(string clientId, string jti) =>
        _seen.TryGetValue((clientId, jti), out var until) && clock.UtcNow < until;

    /// <summary>Records the <c>jti</c>; false when a concurrent exchange already used it, which makes this one a replay.</summary>
    public bool TryRemember(string clientId, string jti, DateTimeOffset until)
    {
        var key = (clientId, jti);
        while (true)
        {
            if (_seen.TryAdd(key, until))
            {
                if (Interlocked.Increment(ref _added) % SweepEvery == 0)
                {
                    Sweep();
                }

                return true;
            }

            if (!_seen.TryGetValue(key, out var existing))
            {
                continue;
            }

            if (clock.UtcNow < existing)
            {
                return false;
            }

            // The old entry has lapsed: replace it, unless another request replaced it first.
            if (_seen.TryUpdate(key, until, existing))
            {
                return true;
            }
        }
    }

    private void Sweep()
    {
        var now = clock.UtcNow;
        foreach (var (key, until) in _seen)
        {
            if (until <= now)
            {
                _seen.TryRemove(key, out _);
            }
        }
    }
}
