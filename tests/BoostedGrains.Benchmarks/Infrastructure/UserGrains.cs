using BoostedGrains.Tokens;
using Orleans.Runtime;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>Bulk operations on user grains that set the stage for a measurement.</summary>
public static class UserGrains
{
    /// <summary>Gets a token for each user, <paramref name="parallel"/> at a time; failures are counted, not thrown.</summary>
    public static async Task<int> FetchAllAsync(IClusterClient client, IEnumerable<string> users, int parallel = 200)
    {
        var failures = 0;
        Exception? first = null;
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (user, _) =>
        {
            try
            {
                await client.GetUserTokenGrain(user).GetAccessTokenAsync();
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref first, e, null);
            }
        });
        if (first is not null)
            Console.WriteLine($"  {failures:N0} users failed to get a token; the first: {first.GetType().Name}: {first.Message}");
        return failures;
    }

    /// <summary>The Boosted user IDs of provisioned users, in order: what an app server's own assertions carry as subjects.</summary>
    public static async Task<string[]> BoostedIdsAsync(IClusterClient client, IReadOnlyList<string> users)
    {
        var ids = new string[users.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, users.Count), new ParallelOptions { MaxDegreeOfParallelism = 200 }, async (i, _) =>
            ids[i] = (await client.GetUserTokenGrain(users[i]).GetStatusAsync()).BoostedUserId!);
        return ids;
    }

    /// <summary>Deactivates every user grain; their state (Boosted identity, stored tokens) stays.</summary>
    public static async Task DeactivateAllAsync(IClusterClient client, TimeSpan? timeout = null)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (await CountAsync(management) > 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("User grains did not deactivate in time.");
            await management.ForceActivationCollection(TimeSpan.Zero);
            await Task.Delay(250);
        }
    }

    private static async Task<int> CountAsync(IManagementGrain management)
    {
        var statistics = await management.GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("UserToken", StringComparison.OrdinalIgnoreCase)).Sum(s => s.ActivationCount);
    }
}
