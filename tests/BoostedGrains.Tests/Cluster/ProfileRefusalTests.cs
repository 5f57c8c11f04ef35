using System.Text;
using BoostedGrains.Errors;
using BoostedGrains.Tests.Faults;
using BoostedGrains.Tests.Infrastructure;
using BoostedGrains.Tokens;
using Microsoft.AspNetCore.Http;

namespace BoostedGrains.Tests.Cluster;

/// <summary>
/// A profile Boosted would refuse is the caller's error: refused with a typed error before anything is stored, or, when
/// Boosted refuses what the cluster accepted, turned into the same error with the refused profile forgotten.
/// </summary>
public sealed class ProfileRefusalTests(ProfileRefusalTests.Fixture boosted) : IClassFixture<ProfileRefusalTests.Fixture>
{
    private const string RefusedByBoosted = "refused-by-boosted@example.com";

    public sealed class Fixture : ProxiedCluster
    {
        protected override IDictionary<string, string?> FaultSettings => new Dictionary<string, string?>();
    }

    [Fact]
    public async Task An_email_Boosted_refuses_is_refused_before_anything_is_stored_and_the_next_call_without_a_profile_is_served()
    {
        var user = $"xy-{Guid.NewGuid():N}";
        var grain = boosted.Client.GetUserTokenGrain(user);

        var refused = await Assert.ThrowsAsync<InvalidUserProfileException>(() => grain.SetProfileAsync(new UserProfile(Email: "x@y", Name: "X")));

        Assert.Contains("not an address Boosted accepts", refused.Message, StringComparison.Ordinal);
        Assert.Null((await StoredTokens.ReadAsync(boosted, user)).State?.Profile);
        Assert.NotEmpty((await grain.GetAccessTokenAsync()).Value);
        using var accounts = new EmulatorAccounts(boosted);
        var created = await accounts.GetUserAsync(user);
        Assert.False(created.TryGetProperty("email", out var email) && email.ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.False(created.TryGetProperty("name", out var name) && name.ValueKind != System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task A_profile_Boosted_refuses_although_the_cluster_accepted_it_is_the_callers_error_and_is_forgotten()
    {
        var user = $"refused-{Guid.NewGuid():N}";
        var grain = boosted.Client.GetUserTokenGrain(user);
        // Boosted's own 422 for the one address, as its account API words it: a rule the cluster cannot know in advance.
        boosted.Proxy.Answer = async (context, body) =>
        {
            if (context.Request.Method != "PUT" || !context.Request.Path.Value!.EndsWith("/user", StringComparison.Ordinal)
                || !Encoding.UTF8.GetString(body).Contains(RefusedByBoosted, StringComparison.Ordinal))
                return false;
            context.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"detail":[{"loc":["body","email"],"msg":"value is not a valid email address","type":"value_error"}]}""");
            return true;
        };
        try
        {
            await grain.SetProfileAsync(new UserProfile(Email: RefusedByBoosted, Name: "Refused"));
            var refused = await Assert.ThrowsAsync<InvalidUserProfileException>(() => grain.GetAccessTokenAsync());

            Assert.Contains("body.email: value is not a valid email address", refused.Message, StringComparison.Ordinal);
            var stored = (await StoredTokens.ReadAsync(boosted, user)).State;
            Assert.Equal((null, null, null), (stored?.Profile, stored?.BoostedUserId, stored?.Workspace));
            var before = boosted.Emulator.GetStats().Creates.User;
            Assert.NotEmpty((await grain.GetAccessTokenAsync()).Value);
            Assert.Equal(1, boosted.Emulator.GetStats().Creates.User - before);
            using var accounts = new EmulatorAccounts(boosted);
            Assert.False((await accounts.GetUserAsync(user)).TryGetProperty("email", out var email) && email.ValueKind != System.Text.Json.JsonValueKind.Null);
        }
        finally
        {
            boosted.Proxy.Answer = null;
        }
    }

    [Fact]
    public async Task The_cluster_accepts_exactly_the_emails_Boosted_accepts()
    {
        string[] emails =
        [
            "a@example.com", "first.last+tag@sub.example.org", "x@y", "x@y.", "@example.com", "a@", "a@@example.com",
            "a b@example.com", " a@example.com", "a@example.com ", "Alice <a@example.com>", "a@example.com, b@example.com",
            "\"quoted\"@example.com", "a@[127.0.0.1]", "a@localhost", "a..b@example.com", ".a@example.com", "a.@example.com",
            "é@example.com", "a@exämple.com", "a@example.com\u200b", "a(comment)@example.com", "a@-example.com",
            new string('a', 64) + "@" + new string('b', 185) + ".com", new string('a', 64) + "@" + new string('b', 186) + ".com",
        ];
        using var accounts = new EmulatorAccounts(boosted);
        var org = await accounts.CreateOrganizationAsync($"org-{Guid.NewGuid():N}");
        var workspace = await accounts.CreateWorkspaceAsync(org, $"ws-{Guid.NewGuid():N}");

        foreach (var email in emails)
        {
            var boostedAccepts = await accounts.CreateUserWithEmailAsync(workspace, $"email-{Guid.NewGuid():N}", email) is >= 200 and < 300;
            var clusterAccepts = Accepts(new UserProfile(Email: email));
            Assert.True(boostedAccepts == clusterAccepts, $"'{email}': Boosted {(boostedAccepts ? "accepts" : "refuses")} it, the cluster {(clusterAccepts ? "accepts" : "refuses")} it");
        }
    }

    private static bool Accepts(UserProfile profile)
    {
        try
        {
            profile.Validate();
            return true;
        }
        catch (InvalidUserProfileException)
        {
            return false;
        }
    }
}
