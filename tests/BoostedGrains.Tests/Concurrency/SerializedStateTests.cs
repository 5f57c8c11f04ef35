using BoostedGrains.Concurrency;
using BoostedGrains.Testing;
using BoostedGrains.Tests.Tokens;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Concurrency;

public sealed class SerializedStateTests
{
    [Fact]
    public async Task Updates_write_one_at_a_time_in_order()
    {
        var store = new ScriptedPersistentState<UserTokenState>(() => new UserTokenState());
        var state = new SerializedState<UserTokenState>(store);

        var first = state.UpdateAsync(s => { s.Workspace = "a"; return true; });
        var second = state.UpdateAsync(s => { s.Workspace = "b"; return true; });
        await Task.Yield();
        Assert.Equal(1, store.Writes);
        Assert.True(store.CompleteWrite());
        await first;
        await Eventually.TrueAsync(() => store.Writes == 2, "the second write started", TimeSpan.FromSeconds(1));
        Assert.Equal(2, store.Writes);
        Assert.True(store.CompleteWrite());
        await second;

        Assert.Equal(1, store.MaxConcurrentWrites);
        Assert.Equal("b", store.Stored.Workspace);
    }

    [Fact]
    public async Task An_ETag_conflict_rereads_and_keeps_what_the_other_activation_stored()
    {
        var store = new ScriptedPersistentState<UserTokenState>(() => new UserTokenState());
        var state = new SerializedState<UserTokenState>(store);
        store.Winner = new UserTokenState { BoostedUserId = "u-winner", Workspace = "w" };

        var update = state.UpdateAsync(s =>
        {
            if (s.BoostedUserId is not null)
                return false;
            s.BoostedUserId = "u-loser";
            return true;
        });
        Assert.True(store.CompleteWrite());
        await update;

        Assert.Equal((1, 1), (store.Writes, store.Reads));
        Assert.Equal("u-winner", store.Stored.BoostedUserId);
        Assert.Equal("u-winner", state.Current.BoostedUserId);
    }
}
