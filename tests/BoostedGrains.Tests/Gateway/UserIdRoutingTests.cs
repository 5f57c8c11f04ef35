using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoostedGrains.Errors;
using BoostedGrains.Silo.Admin;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Silo.Onboarding;
using BoostedGrains.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace BoostedGrains.Tests.Gateway;

/// <summary>
/// One user-ID rule for every route and entry point: the ID is decoded once from the raw path, whatever the case of
/// the literal segments, and taken exactly as given (never trimmed).
/// </summary>
public sealed class UserIdRoutingTests(SiloHostFixture silo) : IClassFixture<SiloHostFixture>, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = silo.BaseUrl };

    private IGrainFactory Grains => silo.Services.GetRequiredService<IGrainFactory>();

    public void Dispose() => _http.Dispose();

    // "{0}" is the user ID as the caller percent-encodes it.
    [Theory]
    [InlineData("/v1/users/{0}/token")]
    [InlineData("/V1/USERS/{0}/token")]
    [InlineData("/v1/Users/{0}/TOKEN")]
    public async Task A_token_request_reaches_the_grain_of_the_decoded_ID_whatever_the_case_of_the_path(string template)
    {
        var (slashed, literal) = Pair();

        (await SendAsync(HttpMethod.Post, Path(template, "%2F", slashed), GatewayOptions.DevelopmentApiKey)).EnsureSuccessStatusCode();

        Assert.True((await Grains.GetUserTokenGrain(slashed).GetStatusAsync()).Provisioned);
        Assert.False((await Grains.GetUserTokenGrain(literal).GetStatusAsync()).Provisioned);

        // Lowercase hex, and the doubly encoded ID of the other user.
        (await SendAsync(HttpMethod.Post, Path(template, "%2f", slashed), GatewayOptions.DevelopmentApiKey)).EnsureSuccessStatusCode();
        Assert.False((await Grains.GetUserTokenGrain(literal).GetStatusAsync()).Provisioned);
        (await SendAsync(HttpMethod.Post, Path(template, "%252F", slashed), GatewayOptions.DevelopmentApiKey)).EnsureSuccessStatusCode();
        Assert.True((await Grains.GetUserTokenGrain(literal).GetStatusAsync()).Provisioned);
    }

    [Theory]
    [InlineData("/v1/users/{0}/token/rejected")]
    [InlineData("/V1/Users/{0}/Token/Rejected")]
    public async Task A_rejected_token_report_renews_the_grain_of_the_decoded_ID(string template)
    {
        var (slashed, _) = Pair();
        var token = await Grains.GetUserTokenGrain(slashed).GetAccessTokenAsync();

        using var report = await SendAsync(HttpMethod.Post, Path(template, "%2F", slashed), GatewayOptions.DevelopmentApiKey,
            JsonContent.Create(new { access_token_sha256 = token.Sha256 }));

        Assert.Equal(HttpStatusCode.NoContent, report.StatusCode);
        Assert.NotEqual(token.Value, (await Grains.GetUserTokenGrain(slashed).GetAccessTokenAsync()).Value);
    }

    [Theory]
    [InlineData("/admin/users/{0}")]
    [InlineData("/ADMIN/USERS/{0}")]
    public async Task The_admin_status_route_shows_the_user_of_the_decoded_ID(string template)
    {
        var (slashed, literal) = Pair();
        await Grains.GetUserTokenGrain(slashed).GetAccessTokenAsync();

        var status = await (await SendAsync(HttpMethod.Get, Path(template, "%2F", slashed), AdminOptions.DevelopmentApiKey))
            .Content.ReadFromJsonAsync<JsonObject>();
        var other = await (await SendAsync(HttpMethod.Get, Path(template, "%252F", slashed), AdminOptions.DevelopmentApiKey))
            .Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal((slashed, true), (status!["user_id"]!.GetValue<string>(), status["provisioned"]!.GetValue<bool>()));
        Assert.Equal((literal, false), (other!["user_id"]!.GetValue<string>(), other["provisioned"]!.GetValue<bool>()));
    }

    [Theory]
    [InlineData("/admin/users/{0}/reprovision")]
    [InlineData("/Admin/Users/{0}/REPROVISION")]
    public async Task Reprovisioning_acts_on_the_decoded_ID_and_creates_no_phantom_Boosted_user(string template)
    {
        var (slashed, literal) = Pair();
        var before = silo.Emulator.GetStats().Creates.User;
        await Grains.GetUserTokenGrain(slashed).GetAccessTokenAsync();

        using var response = await SendAsync(HttpMethod.Post, Path(template, "%2F", slashed), AdminOptions.DevelopmentApiKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(slashed, (await response.Content.ReadFromJsonAsync<JsonObject>())!["user_id"]!.GetValue<string>());
        Assert.False((await Grains.GetUserTokenGrain(literal).GetStatusAsync()).Provisioned);
        Assert.Equal(before + 1, silo.Emulator.GetStats().Creates.User);
    }

    [Theory]
    [InlineData("/v1/users/{0}/token", GatewayOptions.DevelopmentApiKey)]
    [InlineData("/admin/users/{0}", AdminOptions.DevelopmentApiKey)]
    [InlineData("/admin/users/{0}/reprovision", AdminOptions.DevelopmentApiKey)]
    public async Task An_ID_with_surrounding_white_space_is_refused_on_every_route_and_changes_nothing(string template, string key)
    {
        var before = silo.Emulator.GetStats();
        var user = $"bob-{Guid.NewGuid():N}";

        foreach (var padded in new[] { $"%20{user}", $"{user}%20", $"%09{user}" })
        {
            var method = template.EndsWith("{0}", StringComparison.Ordinal) ? HttpMethod.Get : HttpMethod.Post;
            using var response = await SendAsync(method, string.Format(template, padded), key);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_request", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        }
        var after = silo.Emulator.GetStats();
        Assert.Equal((before.TokenRequests, before.Creates), (after.TokenRequests, after.Creates));
    }

    [Fact]
    public void The_grain_factory_and_onboarding_refuse_surrounding_white_space_as_the_API_does()
    {
        Assert.Throws<InvalidUserIdException>(() => Grains.GetUserTokenGrain(" bob"));
        Assert.Throws<InvalidUserIdException>(() => Grains.GetUserTokenGrain("bob "));

        var (rows, bad) = UserCsv.Read(new StringReader("user_id,email\n bob,bob@example.com\nbob ,b2@example.com\nbob, bob@example.com\n"));

        Assert.Equal("bob", Assert.Single(rows).UserId);
        Assert.Equal([2, 3], bad.Select(b => b.Line));
        Assert.All(bad, b => Assert.Contains("white space", b.Reason));
    }

    // GetUserTokenGrain makes later references from the grain ID directly: each must be the one Orleans itself makes.
    [Fact]
    public async Task Every_user_grain_reference_is_the_one_Orleans_makes_for_the_same_ID()
    {
        var (slashed, literal) = Pair();
        string[] ids = [slashed, literal, "ünïcødé-" + Guid.NewGuid().ToString("N"), slashed];

        foreach (var id in ids)
        {
            var ours = Grains.GetUserTokenGrain(id);
            var orleans = Grains.GetGrain<IUserTokenGrain>(id);
            Assert.Equal(orleans.GetGrainId(), ours.GetGrainId());
            Assert.Equal(((GrainReference)orleans).InterfaceType, ((GrainReference)ours).InterfaceType);
            Assert.Equal(orleans, ours);
        }

        // The reference reaches the grain: it answers under its own key.
        await Grains.GetUserTokenGrain(slashed).GetAccessTokenAsync();
        Assert.True((await Grains.GetUserTokenGrain(slashed).GetStatusAsync()).Provisioned);
        Assert.Equal(slashed, (await Grains.GetUserTokenGrain(slashed).GetStatusAsync()).UserId);
        Assert.False((await Grains.GetUserTokenGrain(literal).GetStatusAsync()).Provisioned);
    }

    private static (string Slashed, string Literal) Pair()
    {
        var prefix = $"u-{Guid.NewGuid():N}";
        return ($"{prefix}/b", $"{prefix}%2Fb");
    }

    // The slashed user's ID with its '/' encoded as given ("%2F" for "u/b"; "%252F" gives the literal "u%2Fb").
    private static string Path(string template, string encodedSlash, string slashed) =>
        string.Format(template, slashed.Replace("/", encodedSlash));

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return _http.SendAsync(request);
    }
}
