using System.Globalization;
using System.Text.Json.Nodes;
using BoostedGrains.Emulator.Hosting;
using BoostedGrains.Emulator.Tokens;
using Microsoft.AspNetCore.Routing;

namespace BoostedGrains.Emulator.Threads;

/// <summary>The message-history export of docs/boosted-api.md §6, streamed as JSON Lines.</summary>
internal sealed class AnalyticsEndpoints(ThreadStore store, BearerAuth auth)
{
    public void Map(IEndpointRouteBuilder routes, EmulatorPipeline pipeline) =>
        routes.MapGet("/v2/analytics/messages", pipeline.Wrap(RequestKind.Threads, ExportAsync));

    private async Task ExportAsync(HttpContext ctx)
    {
        if (await auth.RequireAsync(ctx, Scopes.Analytics) is not { } token)
        {
            return;
        }

        var start = Date(ctx, "start_date");
        var end = Date(ctx, "end_date");
        var errors = new List<ValidationError>();
        if (start is null)
        {
            errors.Add(ValidationError.Query("start_date", "Input should be a valid date (YYYY-MM-DD)", "date_parsing"));
        }

        if (end is null)
        {
            errors.Add(ValidationError.Query("end_date", "Input should be a valid date (YYYY-MM-DD)", "date_parsing"));
        }
        else if (start is not null && end < start)
        {
            errors.Add(ValidationError.Query("end_date", "end_date must not be before start_date", "value_error"));
        }

        if (errors.Count > 0)
        {
            await Responses.ValidationAsync(ctx, errors);
            return;
        }

        // Both dates are inclusive whole UTC days.
        var from = new DateTimeOffset(start!.Value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var to = new DateTimeOffset(end!.Value.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentType = "application/jsonl; charset=utf-8";
        foreach (var row in store.Export(token.ClientId, from, to))
        {
            var line = new JsonObject
            {
                ["Input"] = row.Input,
                ["Response"] = row.Response,
                ["Message ID"] = row.MessageId.ToString(),
                ["Message Time"] = row.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["Thread ID"] = row.ThreadId.ToString(),
                ["User ID"] = row.UserId.ToString(),
            };
            await ctx.Response.WriteAsync(line.ToJsonString() + "\n", ctx.RequestAborted);
        }
    }

    private static DateOnly? Date(HttpContext ctx, string name) =>
        ctx.Request.Query[name] is { Count: 1 } values
        && DateOnly.TryParseExact(values[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;
}
