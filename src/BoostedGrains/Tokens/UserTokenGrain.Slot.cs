using BoostedGrains.Boosted;
using BoostedGrains.Diagnostics;

namespace BoostedGrains.Tokens;

public sealed partial class UserTokenGrain
{
    /// <summary>
    /// One scope set's token, renewed through the grain's exchange, with the one-shot timer at the start of its refresh
    /// window (docs/design.md rule 2). The timer does not keep the grain alive.
    /// </summary>
    private sealed class Slot(UserTokenGrain grain, string scope) : RenewableToken
    {
        private IGrainTimer? _refreshTimer;

        public string Scope => scope;

        protected override BoostedOptions Options => grain.Options;

        protected override TimeProvider Time => grain.Time;

        protected override BoostedGrainsMetrics Metrics => grain._services.Metrics;

        protected override string Kind => "user";

        protected override Task<AccessToken> ExchangeAsync() => grain.ExchangeAsync(scope);

        // A new token has a window of its own.
        protected override void OnRenewed() => StopRefreshTimer();

        // The timer exists only from the first call within the refresh lead on: most of a token's life it costs nothing.
        protected override void OnInUseBeforeRefresh()
        {
            StopRefreshTimer();
            var due = RefreshAt - Time.GetUtcNow();
            _refreshTimer = grain.RegisterGrainTimer(
                static (slot, _) =>
                {
                    slot.OnRefreshDue();
                    return Task.CompletedTask;
                },
                this,
                new GrainTimerCreationOptions(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = false });
        }

        public void StopRefreshTimer()
        {
            _refreshTimer?.Dispose();
            _refreshTimer = null;
        }

        private void OnRefreshDue()
        {
            StopRefreshTimer();
            // The slot may have gone since the timer was set (a failed exchange after an invalidation).
            if (grain.FindSlot(scope) == this)
                RenewIfInUse();
        }
    }
}
