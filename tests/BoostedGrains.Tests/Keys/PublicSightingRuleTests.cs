using BoostedGrains.Keys;
using Microsoft.Extensions.Time.Testing;
using static BoostedGrains.Tests.Keys.KeyTestKit;

namespace BoostedGrains.Tests.Keys;

/// <summary>The "served continuously for the required time" rule and how the timeline applies it, on a fake clock.</summary>
public sealed class PublicSightingRuleTests
{
    private static readonly Uri PublicUrl = new("https://keys.partner.example/jwks.json");
    private readonly FakeTimeProvider _time = new(Start);
    private readonly KeyRingOptions _options = Options();
    private readonly JwksOptions _jwks = new() { PublicUrl = PublicUrl };
    private readonly IPrivateKeyProtector _protector = Protector(NewKek("test"));
    private readonly PublicSightingRule _rule;
    private readonly KeyTimeline _timeline;

    public PublicSightingRuleTests()
    {
        _rule = PublicSightingRule.From(_jwks, _options);
        _timeline = new KeyTimeline(new KeyRingState(), _options, _rule);
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void The_defaults_ask_for_nine_tenths_of_the_propagation_time_with_looks_at_most_three_intervals_apart()
    {
        Assert.True(_rule.Required);
        Assert.Equal(_options.PropagationTime * 0.9, _rule.RequiredRun);
        Assert.Equal(TimeSpan.FromMinutes(6), _rule.MaxGap);
        Assert.False(PublicSightingRule.From(new JwksOptions(), _options).Required);
    }

    [Fact]
    public void Looks_far_more_often_than_every_few_seconds_still_allow_a_gap_of_five_seconds()
    {
        var rule = PublicSightingRule.From(new JwksOptions { PublicUrl = PublicUrl, VerifyInterval = TimeSpan.FromMilliseconds(200) }, _options);

        Assert.Equal(PublicSightingRule.MinGap, rule.MaxGap);
        Assert.Equal(TimeSpan.FromSeconds(5), rule.MaxGap);
    }

    [Fact]
    public void A_key_served_without_a_break_for_the_required_run_is_confirmed_and_stays_confirmed()
    {
        var key = Awaiting();
        LookEvery(_jwks.VerifyInterval, _rule.RequiredRun - TimeSpan.FromSeconds(1), key, served: true);
        Assert.True(key.AwaitsPublicUrl);

        LookEvery(_jwks.VerifyInterval, _jwks.VerifyInterval, key, served: true);
        Assert.False(key.AwaitsPublicUrl);
        Assert.Equal(Now, key.PubliclySeenAt);

        _rule.Observe(key, served: false, Now);
        Assert.False(key.AwaitsPublicUrl);
        Assert.Null(key.PublicRunSince);
    }

    [Fact]
    public void A_look_without_the_key_starts_the_run_again()
    {
        var key = Awaiting();
        LookEvery(_jwks.VerifyInterval, _rule.RequiredRun / 2, key, served: true);
        var seen = key.PubliclySeenAt;
        _time.Advance(_jwks.VerifyInterval);
        _rule.Observe(key, served: false, Now);
        Assert.Equal(seen, key.PubliclySeenAt);

        LookEvery(_jwks.VerifyInterval, _rule.RequiredRun - TimeSpan.FromSeconds(1), key, served: true);
        Assert.True(key.AwaitsPublicUrl);
    }

    [Fact]
    public void No_look_for_longer_than_the_gap_starts_the_run_again()
    {
        var key = Awaiting();
        LookEvery(_jwks.VerifyInterval, _rule.RequiredRun / 2, key, served: true);
        _time.Advance(_rule.MaxGap + TimeSpan.FromSeconds(1));
        _rule.Observe(key, served: true, Now);
        Assert.Equal(Now, key.PublicRunSince);
    }

    [Fact]
    public void A_due_successor_the_public_URL_never_served_does_not_sign_and_the_current_key_holds_over()
    {
        var (current, successor) = DueSuccessor();
        for (var hour = 0; hour < 24; hour++)
        {
            _timeline.ObservePublicUrl([current.Kid], Now);
            Assert.Same(current, _timeline.SelectSigner(Now));
            Assert.Equal(KeyStatus.AwaitingPublicUrl, _timeline.StatusOf(successor, Now));
            _time.Advance(TimeSpan.FromHours(1));
        }
        Assert.Null(successor.PubliclySeenAt);
    }

    [Fact]
    public void The_hold_over_ends_before_the_current_key_is_removed()
    {
        var (current, _) = DueSuccessor();
        _time.Advance(current.RemovesAt - Now - _options.RefreshInterval - AssertionSigner.LongestLife);
        Assert.Null(_timeline.SelectSigner(Now));
    }

    [Fact]
    public void A_due_successor_signs_once_the_public_URL_served_it_for_the_required_run()
    {
        var (current, successor) = DueSuccessor();
        var firstLook = Now;
        while (successor.AwaitsPublicUrl)
        {
            Assert.Same(current, _timeline.SelectSigner(Now));
            _time.Advance(_jwks.VerifyInterval);
            _timeline.ObservePublicUrl([current.Kid, successor.Kid], Now);
        }
        Assert.Equal(firstLook + _jwks.VerifyInterval + _rule.RequiredRun, Now);
        Assert.Same(successor, _timeline.SelectSigner(Now));
        Assert.Equal(KeyStatus.Signing, _timeline.StatusOf(successor, Now));
    }

    [Fact]
    public void A_successor_served_from_publication_on_signs_exactly_when_it_has_propagated()
    {
        KeyTestKit.Advance(_timeline, _protector, Now);
        var current = _timeline.SelectSigner(Now)!;
        _time.Advance(current.RetiresAt - _options.PropagationTime - Now);
        KeyTestKit.Advance(_timeline, _protector, Now);
        var successor = _timeline.State.Keys.Single(k => k != current);
        while (Now < successor.EligibleAt)
        {
            _timeline.ObservePublicUrl([current.Kid, successor.Kid], Now);
            Assert.Same(current, _timeline.SelectSigner(Now));
            _time.Advance(_jwks.VerifyInterval);
        }
        Assert.Same(successor, _timeline.SelectSigner(Now));
    }

    [Fact]
    public void Rotate_now_and_import_wait_for_the_public_URL_unless_forced()
    {
        KeyTestKit.Advance(_timeline, _protector, Now);
        var current = _timeline.SelectSigner(Now)!;
        _time.Advance(TimeSpan.FromHours(1));
        var imported = NewKey(_protector);
        _timeline.AddImported(imported, Now);
        Assert.Same(current, _timeline.SelectSigner(Now));
        Assert.Equal(KeyStatus.AwaitingPublicUrl, _timeline.StatusOf(imported, Now));

        var forced = NewKey(_protector);
        _timeline.AddImported(forced, Now, force: true);
        Assert.Same(forced, _timeline.SelectSigner(Now));

        var rotated = NewKey(_protector);
        _timeline.AddRotation(rotated, Now, force: true);
        _time.Advance(_options.PropagationTime);
        Assert.Same(rotated, _timeline.SelectSigner(Now));
    }

    [Fact]
    public void A_plain_rotate_now_the_public_URL_never_served_does_not_sign_once_it_has_propagated()
    {
        KeyTestKit.Advance(_timeline, _protector, Now);
        var current = _timeline.SelectSigner(Now)!;
        var rotated = NewKey(_protector);
        _timeline.AddRotation(rotated, Now);
        _time.Advance(_options.PropagationTime);
        _timeline.ObservePublicUrl([current.Kid], Now);

        Assert.Same(current, _timeline.SelectSigner(Now));
        Assert.Equal(KeyStatus.AwaitingPublicUrl, _timeline.StatusOf(rotated, Now));
    }

    [Fact]
    public void The_bootstrap_key_signs_at_once_without_a_look()
    {
        KeyTestKit.Advance(_timeline, _protector, Now);
        Assert.NotNull(_timeline.SelectSigner(Now));
    }

    private KeyRecord Awaiting()
    {
        KeyTestKit.Advance(_timeline, _protector, Now);
        var key = NewKey(_protector);
        _timeline.AddRotation(key, Now);
        Assert.True(key.AwaitsPublicUrl);
        return key;
    }

    // The bootstrap key signs; its successor was published and has propagated, but no look found it.
    private (KeyRecord Current, KeyRecord Successor) DueSuccessor()
    {
        KeyTestKit.Advance(_timeline, _protector, Now);
        var current = _timeline.SelectSigner(Now)!;
        _time.Advance(current.RetiresAt - _options.PropagationTime - Now);
        KeyTestKit.Advance(_timeline, _protector, Now);
        var successor = _timeline.State.Keys.Single(k => k != current);
        _time.Advance(successor.EligibleAt - Now);
        return (current, successor);
    }

    private void LookEvery(TimeSpan interval, TimeSpan total, KeyRecord key, bool served)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += interval)
        {
            _time.Advance(interval);
            _rule.Observe(key, served, Now);
        }
    }
}
