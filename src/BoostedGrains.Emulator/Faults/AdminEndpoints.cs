using System.Text.Json;
using System.Text.Json.Nodes;
using BoostedGrains.Emulator.Hosting;
using BoostedGrains.Emulator.Stats;
using Microsoft.AspNetCore.Routing;

namespace BoostedGrains.Emulator.Faults;

/// <summary>Emulator-only endpoints under <c>/_emulator</c>: read stats, read and change faults at runtime.</summary>
internal sealed class AdminEndpoints(FaultState faults, StatsCounters stats)
{
    public void Map(IEndpointRouteBuilder routes, EmulatorPipeline pipeline)
    {
        routes.MapGet("/_emulator/stats", pipeline.Wrap(RequestKind.Admin, ctx =>
            Responses.WriteJsonAsync(ctx, StatusCodes.Status200OK, JsonSerializer.SerializeToNode(stats.Snapshot(), Responses.Json)!)));
        routes.MapGet("/_emulator/faults", pipeline.Wrap(RequestKind.Admin, WriteFaultsAsync));
        routes.MapPost("/_emulator/faults", pipeline.Wrap(RequestKind.Admin, SetFaultsAsync));
    }

    private async Task SetFaultsAsync(HttpContext ctx)
    {
        var bytes = await BodyReader.ReadAsync(ctx.Request, ctx.RequestAborted);
        EmulatorFaults? requested = null;
        try
        {
            requested = bytes is null ? null : JsonSerializer.Deserialize<EmulatorFaults>(bytes, Responses.Json);
        }
        catch (JsonException)
        {
            // Answered below like any other unusable body.
        }

        if (requested is null)
        {
            await Responses.FailureAsync(ctx, StatusCodes.Status400BadRequest,
                "expected a JSON object with latencyMs, errorRate, rateLimitPerSecond and outage");
            return;
        }

        if (FaultState.Validate(requested, "faults") is { } error)
        {
            await Responses.FailureAsync(ctx, StatusCodes.Status400BadRequest, error);
            return;
        }

        faults.Set(requested);
        await WriteFaultsAsync(ctx);
    }

    private Task WriteFaultsAsync(HttpContext ctx) =>
        Responses.WriteJsonAsync(ctx, StatusCodes.Status200OK, JsonSerializer.SerializeToNode(faults.Current, Responses.Json) ?? new JsonObject());
}
