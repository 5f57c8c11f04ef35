using BoostedGrains.Client;

namespace BoostedGrains.SampleApp;

/// <summary>
/// A partner app server in miniature: its users create and list Boosted threads, and every call to Boosted carries the
/// user's token from the BoostedGrains cluster, attached by the token handler. A sample: it has no sign-in, and its
/// <see cref="HeaderUserAccessor"/> believes any caller's <c>X-User-Id</c>, so it must never be deployed as is.
/// </summary>
public static class SampleServer
{
    /// <summary>Builds the (not yet started) app. Settings: <c>Boosted__BaseUrl</c>, and the cluster's <c>Cluster__*</c>.</summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var boosted = builder.Configuration.GetValue<Uri?>("Boosted:BaseUrl")
            ?? throw new InvalidOperationException("Boosted__BaseUrl is not set: give the Boosted API base URL (the silo prints the embedded emulator's).");

        // The two lines an app server needs: a connection to the cluster, and the token handler on its Boosted HttpClient.
        builder.AddBoostedTokens();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddHttpClient<ThreadsClient>(http => http.BaseAddress = boosted)
            .AddBoostedUserToken<HeaderUserAccessor>();

        var app = builder.Build();
        app.MapPost("/threads", async (CreateThreadRequest request, ThreadsClient threads, CancellationToken ct) =>
            string.IsNullOrWhiteSpace(request.Name)
                ? Results.BadRequest(new { error = "name is required" })
                : await HandleAsync(async () => Results.Ok(new { thread_id = await threads.CreateAsync(request.Name, ct) })));
        app.MapGet("/threads", async (ThreadsClient threads, CancellationToken ct) =>
            await HandleAsync(async () => Results.Ok(new { threads = await threads.ListAsync(ct) })));
        return app;
    }

    private static async Task<IResult> HandleAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (BoostedTokenUnavailableException e) when (e.InnerException is null)
        {
            return Results.Problem(title: "No user", detail: $"Send the {HeaderUserAccessor.Header} header.", statusCode: StatusCodes.Status401Unauthorized);
        }
        catch (BoostedTokenUnavailableException e)
        {
            return Results.Problem(title: "Boosted is unavailable", detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
