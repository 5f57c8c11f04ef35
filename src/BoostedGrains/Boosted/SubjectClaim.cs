namespace BoostedGrains.Boosted;

/// <summary>What a user assertion's <c>sub</c> carries (docs/boosted-api.md §2).</summary>
public enum SubjectClaim
{
    /// <summary>The <c>user_id</c> Boosted returned when the user was created (the default).</summary>
    BoostedUserId,

    /// <summary>The partner's own user ID, given to Boosted as <c>external_user_id</c>.</summary>
    ExternalUserId,
}
