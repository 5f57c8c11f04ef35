namespace BoostedGrains.Emulator;

/// <summary>What the <c>sub</c> of a user assertion identifies.</summary>
public enum EmulatorSubjectClaim
{
    /// <summary>The <c>user_id</c> Boosted returned when the user was created.</summary>
    BoostedUserId,

    /// <summary>The partner's own <c>external_user_id</c>.</summary>
    ExternalUserId,
}
