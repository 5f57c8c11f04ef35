using BoostedGrains.Keys;
using Microsoft.Extensions.Time.Testing;
using static BoostedGrains.Tests.Keys.KeyTestKit;

namespace BoostedGrains.Tests.Keys;

public sealed class KeyTimelineTests
{
    private readonly FakeTimeProvider _time = new(Start);
    private readonly KeyRingOptions _options = Options();
    private readonly IPrivateKeyProtector _protector = Protector(NewKek("test"));
    private readonly KeyTimeline _timeline;

    public KeyTimelineTests() => _timeline = new KeyTimeline(new KeyRingState(), _options);

    private DateTimeOffset Now => _time.GetUtcNow();

    private void Advance() => KeyTestKit.Advance(_timeline, _protector, Now);

    private IEnumerable<string> PublishedKids => _timeline.Published(Now).Select(k => k.Kid);

    [Fact]
    public void Bootstrap_first_key_of_a_new_ring_signs_at_once()
    {
        Assert.Equal(KeyNeed.Bootstrap, _timeline.GetKeyNeed(Now));
        Advance();

        var key = Assert.Single(_timeline.State.Keys);
        Assert.Equal(Now, key.EligibleAt);
        Assert.Equal(Now + _options.RotationInterval, key.RetiresAt);
        Assert.Equal(key.RetiresAt + _options.RetentionTime, key.RemovesAt);
        Assert.Same(key, _timeline.SelectSigner(Now));
        Assert.Equal([key.Kid], PublishedKids);
        Assert.Equal(key.RetiresAt - _options.PropagationTime, _timeline.NextTransition(Now));
    }

    [Fact]
    public void Successors_are_published_for_the_whole_propagation_time_before_they_sign()
    {
        Advance();
        var signedFrom = new Dictionary<string, DateTimeOffset>();
        var createdAt = new Dictionary<string, DateTimeOffset>();
        for (var hour = 0; hour < 24 * 100; hour++)
        {
            _time.Advance(TimeSpan.FromHours(1));
            Advance();
            foreach (var key in _timeline.State.Keys)
            {
                createdAt.TryAdd(key.Kid, key.CreatedAt);
            }
            var signer = _timeline.SelectSigner(Now);
            Assert.NotNull(signer); // never a gap without a signer
            Assert.Contains(signer.Kid, PublishedKids);
            signedFrom.TryAdd(signer.Kid, Now);
        }

        Assert.True(signedFrom.Count >= 3, $"expected several rotations in 100 days, saw {signedFrom.Count}");
        foreach (var (kid, from) in signedFrom.Skip(1))
        {
            Assert.True(from - createdAt[kid] >= _options.PropagationTime, $"{kid} signed {from - createdAt[kid]} after publication");
        }
    }

    [Fact]
    public void Successor_is_eligible_when_its_predecessor_retires()
    {
        Advance();
        var first = _timeline.State.Keys[0];
        _time.SetUtcNow(first.RetiresAt - _options.PropagationTime);
        Advance();

        var successor = _timeline.State.Keys[1];
        Assert.Equal(Now, successor.CreatedAt);
        Assert.Equal(first.RetiresAt, successor.EligibleAt);
        Assert.Same(first, _timeline.SelectSigner(first.RetiresAt - TimeSpan.FromTicks(1)));
        Assert.Same(successor, _timeline.SelectSigner(first.RetiresAt));
    }

    [Fact]
    public void Signs_with_the_oldest_eligible_key()
    {
        var older = NewKey(_protector);
        var newer = NewKey(_protector);
        foreach (var (key, created) in new[] { (newer, Start.AddDays(1)), (older, Start) })
        {
            (key.CreatedAt, key.EligibleAt, key.RetiresAt, key.RemovesAt) = (created, created, created.AddDays(30), created.AddDays(40));
        }
        var timeline = new KeyTimeline(new KeyRingState { Keys = [newer, older], EverPublished = true }, _options);

        Assert.Same(older, timeline.SelectSigner(Start.AddDays(2)));
        Assert.Same(newer, timeline.SelectSigner(Start.AddDays(30)));
        Assert.Equal([older.Kid, newer.Kid], timeline.Published(Start.AddDays(2)).Select(k => k.Kid));
    }

    [Fact]
    public void Retired_key_stays_published_until_its_retention_ends()
    {
        Advance();
        var first = _timeline.State.Keys[0];
        _time.SetUtcNow(first.RetiresAt - _options.PropagationTime);
        Advance();
        _time.SetUtcNow(first.RetiresAt);
        Advance();

        Assert.Equal(KeyStatus.Retired, _timeline.StatusOf(first, Now));
        Assert.Contains(first.Kid, PublishedKids);

        _time.SetUtcNow(first.RemovesAt - TimeSpan.FromSeconds(1));
        Advance();
        Assert.Contains(first.Kid, PublishedKids);

        _time.SetUtcNow(first.RemovesAt);
        Advance();
        Assert.DoesNotContain(first.Kid, PublishedKids);
        Assert.DoesNotContain(first, _timeline.State.Keys);
    }

    [Fact]
    public void A_successor_made_late_extends_its_predecessor_instead_of_leaving_a_gap()
    {
        Advance();
        var first = _timeline.State.Keys[0];
        _time.SetUtcNow(first.RemovesAt + TimeSpan.FromDays(3)); // the cluster was down far past retirement and removal
        Advance();

        var successor = _timeline.State.Keys.Single(k => k != first);
        Assert.Equal(Now + _options.PropagationTime, successor.EligibleAt);
        Assert.Equal(successor.EligibleAt, first.RetiresAt);
        Assert.Same(first, _timeline.SelectSigner(Now));
        Assert.Equal([first.Kid, successor.Kid], PublishedKids);
    }

    [Fact]
    public void Rotate_now_publishes_a_key_that_signs_only_after_propagation()
    {
        Advance();
        var first = _timeline.State.Keys[0];
        _time.Advance(TimeSpan.FromDays(1));
        var rotated = NewKey(_protector);
        _timeline.AddRotation(rotated, Now);

        Assert.Equal(Now + _options.PropagationTime, rotated.EligibleAt);
        Assert.Equal([first.Kid, rotated.Kid], PublishedKids);
        Assert.Same(first, _timeline.SelectSigner(Now));
        Assert.Equal(KeyStatus.Propagating, _timeline.StatusOf(rotated, Now));

        _time.SetUtcNow(rotated.EligibleAt);
        Assert.Same(rotated, _timeline.SelectSigner(Now));
        Assert.Equal(KeyStatus.Retired, _timeline.StatusOf(first, Now));
    }

    [Fact]
    public void Revoked_key_leaves_the_jwks_at_once_and_never_signs()
    {
        Advance();
        var first = _timeline.State.Keys[0];
        _time.SetUtcNow(first.RetiresAt - _options.PropagationTime);
        Advance();
        var successor = _timeline.State.Keys[1];

        Assert.True(_timeline.Revoke(first.Kid, Now));
        Assert.False(_timeline.Revoke(first.Kid, Now));
        Assert.Null(first.PrivateKey);
        Assert.Equal([successor.Kid], PublishedKids);
        Assert.Null(_timeline.SelectSigner(Now)); // the successor has not propagated yet: no signing meanwhile
        Assert.Equal(successor.EligibleAt, _timeline.CreateSnapshot(Now).NextEligibleAt);

        for (var day = 0; day < 40; day++)
        {
            _time.Advance(TimeSpan.FromDays(1));
            Advance();
            Assert.NotEqual(first.Kid, _timeline.SelectSigner(Now)?.Kid);
            Assert.DoesNotContain(first.Kid, PublishedKids);
        }
    }

    [Fact]
    public void Revoking_the_only_key_publishes_a_replacement_that_waits_for_propagation()
    {
        Advance();
        var first = _timeline.State.Keys[0];
        _time.Advance(TimeSpan.FromHours(1));
        _timeline.Revoke(first.Kid, Now);

        Assert.Equal(KeyNeed.Replacement, _timeline.GetKeyNeed(Now));
        Advance();
        var replacement = _timeline.State.Keys.Single(k => k.IsLive);
        Assert.Equal(Now + _options.PropagationTime, replacement.EligibleAt);
        Assert.Null(_timeline.SelectSigner(Now));
        Assert.Null(_timeline.CreateSnapshot(Now).Signer);

        _time.SetUtcNow(replacement.EligibleAt);
        Assert.Same(replacement, _timeline.SelectSigner(Now));
    }

    [Fact]
    public void Rotate_now_with_no_eligible_key_signs_at_once()
    {
        Advance();
        _timeline.Revoke(_timeline.State.Keys[0].Kid, Now);
        Advance();
        var emergency = NewKey(_protector);
        _timeline.AddRotation(emergency, Now);

        Assert.Equal(Now, emergency.EligibleAt);
        Assert.Same(emergency, _timeline.SelectSigner(Now));
    }

    [Fact]
    public void Snapshot_carries_only_the_signers_private_key_and_the_next_transition()
    {
        Advance();
        var first = _timeline.State.Keys[0];
        _time.SetUtcNow(first.RetiresAt - _options.PropagationTime);
        Advance();

        var snapshot = _timeline.CreateSnapshot(Now);
        Assert.Equal(first.Kid, snapshot.Signer?.Kid);
        Assert.Equal(2, snapshot.PublishedKeys.Count);
        Assert.Equal(first.RetiresAt, snapshot.NextTransitionAt);
        Assert.Equal(first.RetiresAt, snapshot.NextEligibleAt);
    }
}
