using System.Text.Json;
using System.Text.Json.Nodes;

namespace BoostedGrains.Emulator.Hosting;

/// <summary>Writes the response shapes of the spec: OAuth errors, the account envelope and validation details.</summary>
internal static class Responses
{
    /// <summary>Key under which a handler leaves the OAuth error code, so that stats count failures by code.</summary>
    public const string ErrorCodeItem = "BoostedEmulator.ErrorCode";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task WriteJsonAsync(HttpContext ctx, int status, JsonNode body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.ContentType = "application/json; charset=utf-8";
        return ctx.Response.WriteAsync(body.ToJsonString(Json), ctx.RequestAborted);
    }

    /// <summary>RFC 6749 §5.2 error body.</summary>
    public static Task OAuthErrorAsync(HttpContext ctx, int status, string error, string description)
    {
        ctx.Items[ErrorCodeItem] = error;
        return WriteJsonAsync(ctx, status, new JsonObject { ["error"] = error, ["error_description"] = description });
    }

    public static Task SuccessAsync(HttpContext ctx, int status, string message, string entityName, JsonNode entity) =>
        WriteJsonAsync(ctx, status, new JsonObject { ["message"] = message, ["success"] = true, [entityName] = entity });

    public static Task FailureAsync(HttpContext ctx, int status, string message, bool bearerChallenge = false)
    {
        if (bearerChallenge)
        {
            ctx.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return WriteJsonAsync(ctx, status, new JsonObject { ["message"] = message, ["success"] = false });
    }

    /// <summary>422 in the FastAPI style the spec fixes: <c>{"detail": [{"loc", "msg", "type"}]}</c>.</summary>
    public static Task ValidationAsync(HttpContext ctx, IReadOnlyList<ValidationError> errors)
    {
        var detail = new JsonArray();
        foreach (var e in errors)
        {
            var loc = new JsonArray();
            foreach (var part in e.Location)
            {
                loc.Add(JsonValue.Create(part));
            }

            detail.Add(new JsonObject { ["loc"] = loc, ["msg"] = e.Message, ["type"] = e.Type });
        }

        return WriteJsonAsync(ctx, StatusCodes.Status422UnprocessableEntity, new JsonObject { ["detail"] = detail });
    }

    public static Task ValidationAsync(HttpContext ctx, ValidationError error) => ValidationAsync(ctx, [error]);
}
