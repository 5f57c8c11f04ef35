using BoostedGrains.Emulator;

// Standalone host: `dotnet run --project src/BoostedGrains.Emulator -- --urls http://127.0.0.1:5080`.
// `probe URL`: the container health check (exit 0 when the URL answers 2xx), so the image needs no curl.
if (args is ["probe", var probeUrl])
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
    try
    {
        using var response = await http.GetAsync(probeUrl);
        return response.IsSuccessStatusCode ? 0 : 1;
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
    {
        Console.WriteLine($"no answer: {e.Message}");
        return 1;
    }
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey)))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

// The emulator logs one line per request itself; ASP.NET Core's own request lines would repeat it.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddBoostedEmulator(builder.Configuration.GetSection("Emulator"));

var app = builder.Build();
app.MapBoostedEmulator();
app.Run();
return 0;
