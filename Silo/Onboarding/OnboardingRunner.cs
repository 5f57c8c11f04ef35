using BoostedGrains.Errors;
using BoostedGrains.Tokens;

namespace BoostedGrains.Silo.Onboarding;

/// <summary>
/// Provisions users through the cluster with bounded concurrency. Each user's grain creates it in Boosted (create, or
/// adopt on 409) and remembers it, so a run that was interrupted can simply be run again.
/// </summary>
public sealed class OnboardingRunner(IGrainFactory grains, int concurrency)
{
    /// <summary>Provisions <paramref name="rows"/>; stops starting new ones when <paramref name="cancellationToken"/> fires.</summary>
    public async Task<OnboardingSummary> RunAsync(IReadOnlyList<OnboardingRow> rows, IReadOnlyList<BadRow> badRows,
        IProgress<OnboardingProgress>? progress, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        int created = 0, existing = 0, failed = 0;
        var failures = new List<BadRow>();
        void Report() => progress?.Report(new OnboardingProgress(rows.Count, Volatile.Read(ref created), Volatile.Read(ref existing), Volatile.Read(ref failed)));

        Report();
        var interrupted = false;
        try
        {
            await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
                async (row, ct) =>
                {
                    try
                    {
                        var isNew = await grains.GetGrain<IUserTokenAdminGrain>(row.UserId).OnboardAsync(row.Profile).WaitAsync(ct);
                        Interlocked.Increment(ref isNew ? ref created : ref existing);
                    }
                    catch (Exception e) when (e is BoostedException or InvalidUserProfileException or InvalidUserIdException or TimeoutException or OrleansException)
                    {
                        Interlocked.Increment(ref failed);
                        lock (failures)
                            failures.Add(new BadRow(row.Line, e is BoostedException or ArgumentException ? e.Message : $"{e.GetType().Name}: the cluster did not answer."));
                    }
                    Report();
                });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Rows still in flight finish in their grains; the next run finds them provisioned.
            interrupted = true;
        }
        failures.Sort((a, b) => a.Line.CompareTo(b.Line));
        var final = new OnboardingProgress(rows.Count, created, existing, failed);
        return new OnboardingSummary(final, badRows, failures, interrupted, time.GetElapsedTime(started));
    }
}
