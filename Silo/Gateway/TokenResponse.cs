using System.Buffers;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BoostedGrains.Tokens;

namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// What <c>POST /v1/users/{userId}/token</c> answers, as OpenAPI documents it. Every field is culture-invariant. The
/// answer is written by <see cref="Result"/>, field by field, so a warm request serializes nothing by reflection.
/// </summary>
public sealed record TokenResponse(
    [property: JsonPropertyName(TokenResponse.AccessTokenField), Description("The Boosted access token to send as 'Authorization: Bearer <token>'.")] string AccessToken,
    [property: JsonPropertyName(TokenResponse.TokenTypeField), Description("Always Bearer.")] string TokenType,
    [property: JsonPropertyName(TokenResponse.ExpiresInField), Description("Whole seconds until the token expires, rounded down.")] long ExpiresIn,
    [property: JsonPropertyName(TokenResponse.ExpiresAtField), Description("When the token expires: ISO 8601 UTC to the second (yyyy-MM-ddTHH:mm:ssZ).")] string ExpiresAt,
    [property: JsonPropertyName(TokenResponse.ScopeField), Description("The Boosted scope the token carries.")] string Scope)
{
    private const string AccessTokenField = "access_token";
    private const string TokenTypeField = "token_type";
    private const string ExpiresInField = "expires_in";
    private const string ExpiresAtField = "expires_at";
    private const string ScopeField = "scope";

    // ISO 8601 UTC: in a format pattern ':' is the culture's time separator ('.' under fi-FI) unless quoted.
    private const string ExpiresAtFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'";

    /// <summary>The answer for <paramref name="token"/> at <paramref name="now"/>: <c>expires_in</c> in whole seconds, rounded down.</summary>
    public static IResult Result(AccessToken token, DateTimeOffset now) => new Body(token, now);

    private sealed class Body(AccessToken token, DateTimeOffset now) : IResult
    {
        // One buffer and writer per thread, reused by each response: rendering is synchronous, so no request shares them.
        [ThreadStatic]
        private static ArrayBufferWriter<byte>? t_buffer;

        [ThreadStatic]
        private static Utf8JsonWriter? t_writer;

        // Rendered whole before anything is sent, so the answer carries its Content-Length: Kestrel then sends headers
        // and body in one write when the request ends, where a flushed body would go chunked in two.
        public Task ExecuteAsync(HttpContext http)
        {
            var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
            var writer = t_writer ??= new Utf8JsonWriter(buffer);
            writer.Reset(buffer);
            try
            {
                Span<char> expiresAt = stackalloc char[32];
                token.ExpiresAt.UtcDateTime.TryFormat(expiresAt, out var length, ExpiresAtFormat, CultureInfo.InvariantCulture);
                writer.WriteStartObject();
                writer.WriteString(AccessTokenField, token.Value);
                writer.WriteString(TokenTypeField, token.TokenType);
                writer.WriteNumber(ExpiresInField, Math.Max(0, (long)(token.ExpiresAt - now).TotalSeconds));
                writer.WriteString(ExpiresAtField, expiresAt[..length]);
                writer.WriteString(ScopeField, token.Scope);
                writer.WriteEndObject();
                writer.Flush();

                var response = http.Response;
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/json; charset=utf-8";
                response.ContentLength = buffer.WrittenCount;
                response.BodyWriter.Write(buffer.WrittenSpan);
                return Task.CompletedTask;
            }
            finally
            {
                // Zeroed and emptied for the next answer: the token does not stay in the thread's buffer.
                buffer.Clear();
            }
        }
    }
}
