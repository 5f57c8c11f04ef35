using BoostedGrains.Emulator;

// Standalone host: `dotnet run --project src/BoostedGrains.Emulator -- --urls http://127.0.0.1:5080`.
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
