using System.Globalization;
using System.Text.Json.Nodes;
using BoostedGrains.Emulator.Hosting;
using BoostedGrains.Emulator.Tokens;
using Microsoft.AspNetCore.Routing;

namespace BoostedGrains.Emulator.Threads;

/// <summary>The Threads API of docs/boosted-api.md §5: enough of it to prove that a user token works and is bound to its user.</summary>
internal sealed class ThreadEndpoints(ThreadStore store, BearerAuth auth)
{
    public void Map(IEndpointRouteBuilder routes, EmulatorPipeline pipeline)
    {
        routes.MapPost("/v2/threads", pipeline.Wrap(RequestKind.Threads, CreateAsync));
        routes.MapGet("/v2/threads", pipeline.Wrap(RequestKind.Threads, ListAsync));
        routes.MapPost("/v2/threads/{threadId}/messages", pipeline.Wrap(RequestKind.Threads, SendAsync));
        routes.MapGet("/v2/threads/{threadId}/messages", pipeline.Wrap(RequestKind.Threads, MessagesAsync));
    }

    private async Task CreateAsync(HttpContext ctx)
    {
        if (await auth.RequireAsync(ctx, Scopes.Thread) is not { UserId: { } userId } token)
        {
            return;
        }

        var bytes = await BodyReader.ReadAsync(ctx.Request, ctx.RequestAborted);
        if (bytes is null)
        {
            await Responses.FailureAsync(ctx, StatusCodes.Status400BadRequest, $"request body exceeds {BodyReader.MaxBytes} bytes");
            return;
        }

        var body = JsonBody.Parse(bytes, out var error);
        var name = body?.RequiredString("thread_name");
        if (body is null || name is null)
        {
            await Responses.ValidationAsync(ctx, body?.Errors ?? [error!]);
            return;
        }

        var id = store.Create(token.ClientId, userId, name);
        await Responses.WriteJsonAsync(ctx, StatusCodes.Status200OK, new JsonObject { ["thread_id"] = id.ToString() });
    }

    private async Task ListAsync(HttpContext ctx)
    {
        if (await auth.RequireAsync(ctx, Scopes.Thread) is not { UserId: { } userId } token)
        {
            return;
        }

        var threads = new JsonArray();
        foreach (var (id, name) in store.List(token.ClientId, userId))
        {
            threads.Add(new JsonObject { ["thread_id"] = id.ToString(), ["thread_name"] = name });
        }

        await Responses.WriteJsonAsync(ctx, StatusCodes.Status200OK, new JsonObject { ["threads"] = threads });
    }

    private async Task SendAsync(HttpContext ctx)
    {
        if (await auth.RequireAsync(ctx, Scopes.Thread) is not { UserId: { } userId } token)
        {
            return;
        }

        var (form, error) = await FormBody.ReadAsync(ctx, allowMultipart: true);
        if (form is null)
        {
            await Responses.ValidationAsync(ctx, new ValidationError(["body"], error!, "value_error"));
            return;
        }

        if (!form.TryGetValue("message", out var message) || message.Count != 1 || string.IsNullOrEmpty(message[0]))
        {
            await Responses.ValidationAsync(ctx, ValidationError.Body("message", "Field required", "missing"));
            return;
        }

        if (ThreadId(ctx) is not { } threadId || !store.Send(token.ClientId, userId, threadId, message[0]!))
        {
            await Responses.FailureAsync(ctx, StatusCodes.Status404NotFound, "Thread not found");
            return;
        }

        await Responses.WriteJsonAsync(ctx, StatusCodes.Status200OK, new JsonObject { ["success"] = true });
    }

    private async Task MessagesAsync(HttpContext ctx)
    {
        if (await auth.RequireAsync(ctx, Scopes.Thread) is not { UserId: { } userId } token)
        {
            return;
        }

        if (ThreadId(ctx) is not { } threadId || store.Messages(token.ClientId, userId, threadId) is not { } messages)
        {
            await Responses.FailureAsync(ctx, StatusCodes.Status404NotFound, "Thread not found");
            return;
        }

        var items = new JsonArray();
        foreach (var m in messages)
        {
            items.Add(new JsonObject
            {
                ["message_id"] = m.Id.ToString(),
                ["message"] = m.Text,
                ["is_user_message"] = m.IsUserMessage,
                ["message_time"] = m.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["citations"] = new JsonArray(),
            });
        }

        await Responses.WriteJsonAsync(ctx, StatusCodes.Status200OK, new JsonObject
        {
            ["messages"] = items,
            ["total_message_count"] = messages.Count,
            ["start_index"] = 0,
        });
    }

    private static Guid? ThreadId(HttpContext ctx) =>
        Guid.TryParseExact(ctx.Request.RouteValues["threadId"] as string, "D", out var id) ? id : null;
}
