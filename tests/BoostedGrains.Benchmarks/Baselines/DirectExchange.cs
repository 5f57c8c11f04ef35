using System.Text.Json;
using BoostedGrains.Keys;
using BoostedGrains.Tokens;

namespace BoostedGrains.Benchmarks.Baselines;

/// <summary>
/// What an app server does without BoostedGrains: sign an assertion and post it to Boosted's token endpoint. Uses the
/// product's signer (same key and claims), so the baselines put the same work on Boosted as the grains do.
/// </summary>
public sealed class DirectExchange(HttpClient http, Uri tokenEndpoint, string clientId, string clientSecret, IAssertionSigner signer, string scope = "thread")
{
    public async Task<AccessToken> ExchangeAsync(string subject)
    {
        var assertion = await signer.CreateAssertionAsync(subject);
        using var content = new FormUrlEncodedContent(
        [
            new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            new("subject_token", assertion),
            new("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            new("client_id", clientId),
            new("client_secret", clientSecret),
            new("scope", scope),
        ]);
        var sentAt = DateTimeOffset.UtcNow;
        using var response = await http.PostAsync(tokenEndpoint, content);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"The token endpoint answered {(int)response.StatusCode}.");
        await using var body = await response.Content.ReadAsStreamAsync();
        using var json = await JsonDocument.ParseAsync(body);
        var root = json.RootElement;
        return new AccessToken(
            root.GetProperty("access_token").GetString()!,
            sentAt.AddSeconds(root.GetProperty("expires_in").GetDouble()),
            scope);
    }
}
