using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using Microsoft.AspNetCore.Http;

namespace BoostedGrains.Tests.Tokens;

/// <summary>
/// Just enough Boosted for the grain tests (spec §3–§4): counts exchanges per subject and creates per entity. Users
/// whose ID contains <c>reject</c> get <c>invalid_grant</c>, <c>throttle</c> a 429 with Retry-After 120 s, <c>short</c>
/// tokens that live 4 s.
/// </summary>
public sealed class FakeBoosted
{
    public const string ClientId = "partner-client";

    private readonly ConcurrentDictionary<string, int> _exchanges = new();
    private readonly ConcurrentDictionary<string, int> _creates = new();
    private readonly ConcurrentDictionary<string, string> _entities = new();

    /// <summary>Exchanges asked for <paramref name="subject"/> so far.</summary>
    public int Exchanges(string subject) => _exchanges.GetValueOrDefault(subject);

    /// <summary>Create calls (including those answered 409) for an entity.</summary>
    public int Creates(string entity, string externalId) => _creates.GetValueOrDefault($"{entity}/{externalId}");

    /// <summary>The request handler for a <see cref="ScriptedHttpServer"/>.</summary>
    public async Task RespondAsync(RecordedRequest request, HttpContext context)
    {
        if (request.Path == "/oauth2/token")
        {
            await ExchangeAsync(request, context);
            return;
        }
        if (request.Authorization?.StartsWith("Bearer mgmt-", StringComparison.Ordinal) != true)
        {
            await ScriptedHttpServer.Json(context, 401, """{"message":"no token","success":false}""");
            return;
        }
        var entity = request.Path["/v2/account-management/".Length..];
        var (prefix, externalKey) = entity switch
        {
            "organization" => ("org", "external_org_id"),
            "workspace" => ("workspace", "external_workspace_id"),
            _ => ("user", "external_user_id"),
        };
        if (request.Method == "GET")
        {
            var wanted = HttpUtility.ParseQueryString(request.Query)[externalKey]!;
            await (_entities.TryGetValue($"{entity}/{wanted}", out var found)
                ? ScriptedHttpServer.Json(context, 200, Envelope(prefix, found))
                : ScriptedHttpServer.Json(context, 404, """{"message":"not found","success":false}"""));
            return;
        }
        var external = JsonNode.Parse(request.Body)![externalKey]!.GetValue<string>();
        var key = $"{entity}/{external}";
        _creates.AddOrUpdate(key, 1, (_, n) => n + 1);
        // A slow create widens the window in which concurrent first calls could each create.
        await Task.Delay(50);
        var id = $"{(prefix == "org" ? "o" : prefix[..1])}-{external}";
        var created = _entities.TryAdd(key, id);
        await (created
            ? ScriptedHttpServer.Json(context, 201, Envelope(prefix, id))
            : ScriptedHttpServer.Json(context, 409, """{"message":"exists","success":false}"""));
    }

    private static string Envelope(string entity, string id)
    {
        var body = new JsonObject { ["org_id"] = "o-default" };
        body[$"{entity}_id"] = id;
        return new JsonObject { ["message"] = "ok", ["success"] = true, [entity] = body }.ToJsonString();
    }

    private async Task ExchangeAsync(RecordedRequest request, HttpContext context)
    {
        var form = HttpUtility.ParseQueryString(request.Body);
        var subject = SubjectEchoSigner.SubjectOf(form["subject_token"]!);
        var n = _exchanges.AddOrUpdate(subject, 1, (_, count) => count + 1);
        if (subject.Contains("reject"))
        {
            await ScriptedHttpServer.Json(context, 400, """{"error":"invalid_grant","error_description":"unknown kid"}""");
            return;
        }
        if (subject.Contains("throttle"))
        {
            context.Response.Headers.RetryAfter = "120";
            await ScriptedHttpServer.Json(context, 429, """{"error":"rate_limited"}""");
            return;
        }
        await Task.Delay(subject == ClientId ? 0 : 100);
        var token = subject == ClientId ? $"mgmt-{n}" : $"tok-{subject}-{n}";
        await ScriptedHttpServer.Json(context, 200, JsonSerializer.Serialize(new
        {
            access_token = token,
            expires_in = subject.Contains("short") ? 4 : 3600,
            token_type = "Bearer",
            scope = form["scope"],
        }));
    }
}
