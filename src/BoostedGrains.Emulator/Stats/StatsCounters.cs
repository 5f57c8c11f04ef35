using System.Collections.Concurrent;

namespace BoostedGrains.Emulator.Stats;

/// <summary>Thread-safe counters behind <see cref="EmulatorStats"/>; tests assert exact values, so every update is atomic.</summary>
internal sealed class StatsCounters
{
    private readonly ConcurrentDictionary<string, long> _exchanges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private long _orgs;
    private long _workspaces;
    private long _users;
    private long _conflicts;
    private long _inFlight;
    private long _maxInFlight;
    private long _jwksFetches;
    private long _tokenRequests;
    private long _updates;

    public void Exchange(string subject) => _exchanges.AddOrUpdate(subject, 1, static (_, n) => n + 1);

    public void Failure(string key) => _failures.AddOrUpdate(key, 1, static (_, n) => n + 1);

    public void OrgCreated() => Interlocked.Increment(ref _orgs);

    public void WorkspaceCreated() => Interlocked.Increment(ref _workspaces);

    public void UserCreated() => Interlocked.Increment(ref _users);

    public void Conflict() => Interlocked.Increment(ref _conflicts);

    public void Updated() => Interlocked.Increment(ref _updates);

    public void JwksFetched() => Interlocked.Increment(ref _jwksFetches);

    /// <summary>Counts a token request and marks it in flight until <see cref="TokenRequestEnded"/>.</summary>
    public void TokenRequestStarted()
    {
        Interlocked.Increment(ref _tokenRequests);
        var now = Interlocked.Increment(ref _inFlight);
        var max = Interlocked.Read(ref _maxInFlight);
        while (now > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxInFlight, now, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    public void TokenRequestEnded() => Interlocked.Decrement(ref _inFlight);

    public EmulatorStats Snapshot() => new(
        new SortedDictionary<string, long>(_exchanges, StringComparer.Ordinal),
        new SortedDictionary<string, long>(_failures, StringComparer.Ordinal),
        new EmulatorCreateCounts(Interlocked.Read(ref _orgs), Interlocked.Read(ref _workspaces), Interlocked.Read(ref _users)),
        Interlocked.Read(ref _conflicts),
        Interlocked.Read(ref _maxInFlight),
        Interlocked.Read(ref _jwksFetches),
        Interlocked.Read(ref _tokenRequests),
        Interlocked.Read(ref _updates));
}
