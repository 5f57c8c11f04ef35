using BoostedGrains.Errors;
using BoostedGrains.Tokens;

namespace BoostedGrains.Tests.Tokens;

/// <summary>
/// User IDs refuse the invisible characters that break a log line or reorder what a reader sees: the line and
/// paragraph separators and every bidirectional control. (The grains share this rule: SingleFlightTests shows two of
/// them refused by a grain reached by its raw key.)
/// </summary>
public sealed class UserIdCharacterTests
{
    public static TheoryData<char> LayoutControls() =>
        ['\u2028', '\u2029', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];

    [Theory]
    [MemberData(nameof(LayoutControls))]
    public void A_user_ID_holding_a_separator_or_bidirectional_control_is_refused_naming_the_code_point(char c)
    {
        var error = Assert.Throws<InvalidUserIdException>(() => UserIds.Validate($"bob{c}txt"));

        Assert.StartsWith($"The user ID contains U+{(int)c:X4}, a line separator or a bidirectional control that changes how text around it is shown; remove it.", error.Message);
    }

    [Theory]
    [InlineData("bob\u200Bsmith")]
    [InlineData("عمر")]
    [InlineData("ユーザー-7")]
    [InlineData("bob\u00ADsmith")]
    public void Other_text_including_right_to_left_letters_is_accepted(string userId) =>
        Assert.Equal(userId, UserIds.Validate(userId));
}
