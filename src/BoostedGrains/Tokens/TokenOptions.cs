using System.ComponentModel.DataAnnotations;

namespace BoostedGrains.Tokens;

/// <summary>How user tokens are kept (configuration section <c>Tokens</c>).</summary>
public sealed class TokenOptions
{
    public const string SectionName = "Tokens";

    /// <summary>
    /// <c>Tokens__Persist</c>: keep each user's current tokens, encrypted with the KEK, in the user grain's state
    /// (default true), so that a new activation (after idling, a restart, a deploy) serves them without an exchange.
    /// </summary>
    public bool Persist { get; set; } = true;

    /// <summary>
    /// <c>Tokens__IdleDeactivation</c>: how long a user grain stays in memory unused (default 20 minutes, longer than
    /// the refresh lead of a one-hour token, so a user active just before the refresh window is renewed ahead).
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:01", "1.00:00:00", ErrorMessage = "Tokens__IdleDeactivation must be longer than 1 minute (Orleans' collection quantum) and at most 1 day.")]
    public TimeSpan IdleDeactivation { get; set; } = TimeSpan.FromMinutes(20);
}
