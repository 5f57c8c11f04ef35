using BoostedGrains.Benchmarks.Baselines;
using BoostedGrains.Benchmarks.Infrastructure;
using BoostedGrains.Benchmarks.Reporting;
using BoostedGrains.Tokens;

namespace BoostedGrains.Benchmarks.Scenarios;

/// <summary>
/// Row 5: managed heap per active user grain holding a token. The emulator and the in-memory grain storage share
/// this process, so the per-grain figure is what deactivating the grains gives back; the gross growth is shown too.
/// </summary>
public static class MemoryScenario
{
    public static async Task RunAsync(BenchSettings settings, Report report, BenchCluster cluster)
    {
        Console.WriteLine($"Row 5: memory, {settings.MemoryUsers:N0} users...");
        var count = settings.MemoryUsers;
        await UserGrains.DeactivateAllAsync(cluster.Client);
        cluster.SetBoostedLatency(0);
        var users = Enumerable.Range(0, count).Select(i => $"mem-{i}").ToArray();
        var tokenLength = (await cluster.Client.GetUserTokenGrain("mem-sample").GetAccessTokenAsync()).Value.Length;
        await UserGrains.DeactivateAllAsync(cluster.Client);

        var empty = Heap();
        var failed = await UserGrains.FetchAllAsync(cluster.Client, users, parallel: 256);
        var active = Heap();
        if (settings.HoldMemory > TimeSpan.Zero)
        {
            // For a heap profile of the active grains: dotnet-gcdump collect -p <pid>.
            Console.WriteLine($"  holding {count:N0} active user grains for {settings.HoldMemory.TotalSeconds:N0} s (pid {Environment.ProcessId})");
            await Task.Delay(settings.HoldMemory);
        }
        await UserGrains.DeactivateAllAsync(cluster.Client, TimeSpan.FromMinutes(5));
        var released = Heap();
        cluster.SetBoostedLatency(settings.BoostedLatencyMs);

        var perGrain = (double)(active - released) / count;
        var gross = (double)(active - empty) / count;
        var perEntry = await CacheEntryBytesAsync(count, tokenLength);
        var perNoop = await NoopActivationBytesAsync(cluster.Client, count);
        report.Row("5", $"memory per active user grain holding a token, {count:N0} users",
            $"{Format.Bytes(perGrain)} per grain, {Format.Bytes(perGrain - perNoop)} beyond a no-op activation (heap growth incl. emulator and in-memory storage: {Format.Bytes(gross)} per user)"
            + (failed > 0 ? $", FAILED: {failed:N0}" : ""),
            $"per-app-server cache entry: {Format.Bytes(perEntry)} (a no-op grain activation: {Format.Bytes(perNoop)})", Format.Ratio(perGrain / perEntry));
        if (settings.Mode == "quick")
            report.Note($"Row 5: quick mode activates {count:N0} users; `--full` activates 100,000.");
    }

    // The same token in the baseline's cache, with its own key string, as an app server would hold it.
    private static async Task<double> CacheEntryBytesAsync(int count, int tokenLength)
    {
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        var cache = new PerProcessTokenCache(_ => Task.FromResult(new AccessToken(new string('t', tokenLength), expires, "thread")));
        var before = Heap();
        for (var i = 0; i < count; i++)
            await cache.GetAsync($"user-{i}");
        var after = Heap();
        GC.KeepAlive(cache);
        return (double)(after - before) / count;
    }

    // Orleans' own cost of an activation, to tell it apart from what the token grain adds.
    private static async Task<double> NoopActivationBytesAsync(IClusterClient client, int count)
    {
        var before = Heap();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 256 },
            async (i, _) => await client.GetGrain<INoopGrain>($"mem-noop-{i}").PingAsync());
        var after = Heap();
        return (double)(after - before) / count;
    }

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
