using BoostedGrains.Emulator;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>Where grains live (management grain) and what Boosted saw per user.</summary>
internal static class ClusterInspection
{
    /// <summary>User IDs whose token grain is active on the silo listening on <paramref name="siloPort"/>.</summary>
    public static async Task<HashSet<string>> UsersOnSiloAsync(IGrainFactory grains, int siloPort)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true);
        var silo = hosts.Keys.Single(s => s.Endpoint.Port == siloPort);
        var stats = await management.GetDetailedGrainStatistics(hostsIds: [silo]);
        return stats.Where(s => s.GrainType.Contains("UserTokenGrain", StringComparison.Ordinal))
            .Select(s => s.GrainId.Key.ToString()!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Boosted's user ID for each user, from the (now active elsewhere, if need be) grains. Right after a silo was
    /// killed a grain may still be addressed to it until the cluster declares it dead: such a read times out and is
    /// asked again, until a deadline.
    /// </summary>
    public static async Task<Dictionary<string, string>> BoostedIdsAsync(IGrainFactory grains, IEnumerable<string> users)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            var status = await StatusAsync(grains, user, deadline);
            result[user] = status.BoostedUserId ?? throw new InvalidOperationException($"User {user} was never provisioned.");
        }
        return result;
    }

    private static async Task<Tokens.UserTokenStatus> StatusAsync(IGrainFactory grains, string user, DateTime deadline)
    {
        while (true)
        {
            try
            {
                return await grains.GetUserTokenGrain(user).GetStatusAsync();
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                // addressed to the dead silo still: ask again
            }
        }
    }

    /// <summary>Exchanges Boosted counted for <paramref name="boostedId"/> (the assertion <c>sub</c>).</summary>
    public static long ExchangesOf(EmulatorStats stats, string boostedId) => stats.Exchanges.GetValueOrDefault(boostedId);

    /// <summary>
    /// Asks a token for every user once: the first alone (it creates the organization and workspace, and Boosted
    /// fetches the JWKS), the rest <paramref name="parallel"/> at a time. A freshly started cluster on a busy machine may
    /// take longer than the client's short response timeout: such a call is asked again (it joins the exchange still in
    /// flight in the grain, so Boosted's counts are the same), until a deadline.
    /// </summary>
    public static async Task WarmUpAsync(IGrainFactory grains, IReadOnlyList<string> users, int parallel = 6)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        await AskUntilAnsweredAsync(grains, users[0], deadline);
        await Parallel.ForEachAsync(users.Skip(1), new ParallelOptions { MaxDegreeOfParallelism = parallel },
            async (user, _) => await AskUntilAnsweredAsync(grains, user, deadline));
    }

    private static async Task AskUntilAnsweredAsync(IGrainFactory grains, string user, DateTime deadline)
    {
        while (true)
        {
            try
            {
                await grains.GetUserTokenGrain(user).GetAccessTokenAsync();
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                // still warming up: ask again
            }
        }
    }
}
