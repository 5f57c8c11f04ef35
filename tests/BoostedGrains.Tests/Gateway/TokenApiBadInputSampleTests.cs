using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BoostedGrains.Silo.Gateway;
using CsCheck;

namespace BoostedGrains.Tests.Gateway;

/// <summary>
/// Generated hostile requests at the real token API (CsCheck): any user ID, any body, any content type. Whatever comes
/// in, the answer is never a 5xx, every refusal is a problem document with a <c>code</c>, and a refusal creates nothing
/// in Boosted. CI runs a bounded sample; BOOSTEDGRAINS_FUZZ_ITERATIONS runs a long campaign (docs/reliability.md).
/// </summary>
public sealed class TokenApiBadInputSampleTests(SiloHostFixture silo) : IClassFixture<SiloHostFixture>, IDisposable
{
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("BOOSTEDGRAINS_FUZZ_ITERATIONS"), out var n) ? n : 150;

    private readonly HttpClient _http = new() { BaseAddress = silo.BaseUrl };

    public void Dispose() => _http.Dispose();

    // Characters a caller may put in an ID or a field: ASCII, controls (NUL aside: Kestrel refuses it before the API
    // runs), '%', '/', '.', white space, and non-ASCII up to astral planes.
    private static readonly Gen<char> Char = Gen.OneOf(
        Gen.Char['a', 'z'], Gen.Char['\u0001', '\u001f'], Gen.OneOf('%', '/', '.', ' ', '\t', '"', '\\', '@', '+', '?', '#'),
        Gen.Char['\u0080', '\uffff'].Where(c => !char.IsSurrogate(c)));

    private static readonly Gen<string> Text = Gen.String[Char, 0, 40];

    // An empty ID, "." or ".." (which HttpClient folds away) makes a path no route matches, answered 404 without a problem
    // document (a known violation, see docs/reliability.md): the sample's IDs are none of these.
    private static readonly Gen<string> UserId = Gen.String[Char, 1, 40].Where(id => id is not "." and not "..");

    private static readonly Gen<string?> Body = Gen.OneOf(
        Gen.Const((string?)null),
        Text.Select(t => (string?)t),
        Gen.Select(Text, Text, Text, (email, name, workspace) => (string?)JsonSerializer.Serialize(new { email, name, workspace })),
        Gen.Select(Gen.Int[0, 3], Text, (kind, value) => (string?)(kind switch
        {
            0 => $$"""{"email": {{value.Length}}}""",
            1 => $$"""{"email": ["{{value.Length}}"]}""",
            2 => "{\"name\": \"" + value.Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal) + "\"",
            _ => "[" + value.Length + "]",
        })));

    private static readonly Gen<string?> ContentType = Gen.OneOf<string?>(null, "application/json", "text/plain", "application/json; charset=latin1", "application/x-www-form-urlencoded", "*/*", "application/problem+json");

    [Fact]
    public void Hostile_token_requests_get_no_5xx_and_every_refusal_is_a_problem_with_a_code_that_creates_nothing()
    {
        Gen.Select(UserId, Body, ContentType).Sample(input =>
        {
            var (userId, body, contentType) = input;
            var before = silo.Emulator.GetStats().Creates;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/users/{Uri.EscapeDataString(userId)}/token");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayOptions.DevelopmentApiKey);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
            }
            using var response = _http.Send(request);
            var status = (int)response.StatusCode;
            if (status >= 500)
                return false;
            if (status < 400)
                return true;
            using var problem = JsonDocument.Parse(response.Content.ReadAsStream());
            return response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                && problem.RootElement.TryGetProperty("code", out var code) && code.GetString() is { Length: > 0 }
                && silo.Emulator.GetStats().Creates.User == before.User;
        }, iter: Iterations, threads: 1);
    }
}
