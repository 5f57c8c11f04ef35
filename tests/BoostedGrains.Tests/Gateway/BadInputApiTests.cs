using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BoostedGrains.Silo.Gateway;

namespace BoostedGrains.Tests.Gateway;

/// <summary>Inputs the token API refuses: a 400 problem with a code, and nothing changed, Boosted included.</summary>
public sealed class BadInputApiTests(SiloHostFixture silo) : IClassFixture<SiloHostFixture>, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = silo.BaseUrl };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task An_email_Boosted_refuses_is_a_400_with_a_code_and_the_users_next_call_without_a_profile_is_served()
    {
        var user = $"xy-{Guid.NewGuid():N}";
        var before = silo.Emulator.GetStats();

        using (var refused = await PostAsync($"/v1/users/{user}/token", """{"email":"x@y","name":"X"}"""))
            await AssertInvalidRequestAsync(refused);
        Assert.Equal(before.Creates, silo.Emulator.GetStats().Creates);
        Assert.Equal(before.TokenRequests, silo.Emulator.GetStats().TokenRequests);

        using var served = await PostAsync($"/v1/users/{user}/token");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(1, silo.Emulator.GetStats().Creates.User - before.Creates.User);
    }

    private Task<HttpResponseMessage> PostAsync(string path, string? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayOptions.DevelopmentApiKey);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return _http.SendAsync(request);
    }

    private static async Task AssertInvalidRequestAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("invalid_request", JsonNode.Parse(text)!["code"]!.GetValue<string>());
    }
}
