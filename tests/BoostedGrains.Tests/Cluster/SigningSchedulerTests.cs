using System.Collections.Concurrent;
using BoostedGrains.Keys;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Tests.Cluster;

/// <summary>
/// Signing an assertion is CPU work (RS256: about half a millisecond a core): it runs on the thread pool, not in the
/// grain's turn, so the grain keeps serving its other callers meanwhile and a storm's signatures spread over all cores.
/// </summary>
public sealed class SigningSchedulerTests(SigningSchedulerTests.Fixture cluster) : IClassFixture<SigningSchedulerTests.Fixture>
{
    public sealed class Fixture : BoostedCluster
    {
        /// <summary>For each assertion signed: whether it was signed on the default scheduler (the thread pool).</summary>
        public ConcurrentQueue<bool> SignedOnThreadPool { get; } = new();

        protected override void ConfigureServices(IServiceCollection services)
        {
            services.AddSingleton<AssertionSigner>();
            services.AddSingleton<IAssertionSigner>(provider => new RecordingSigner(provider.GetRequiredService<AssertionSigner>(), SignedOnThreadPool));
        }
    }

    [Fact]
    public async Task A_new_users_assertions_are_signed_on_the_thread_pool_not_in_a_grain_turn()
    {
        var before = cluster.SignedOnThreadPool.Count;

        var token = await cluster.Client.GetUserTokenGrain($"signing-{Guid.NewGuid():N}").GetAccessTokenAsync();

        Assert.NotEmpty(token.Value);
        var signed = cluster.SignedOnThreadPool.Skip(before).ToList();
        // The user's exchange, and the management token's the first time a user is created.
        Assert.NotEmpty(signed);
        Assert.All(signed, Assert.True);
    }

    private sealed class RecordingSigner(IAssertionSigner inner, ConcurrentQueue<bool> record) : IAssertionSigner
    {
        public ValueTask<string> CreateAssertionAsync(string subject, CancellationToken cancellationToken = default)
        {
            record.Enqueue(TaskScheduler.Current == TaskScheduler.Default);
            return inner.CreateAssertionAsync(subject, cancellationToken);
        }
    }
}
