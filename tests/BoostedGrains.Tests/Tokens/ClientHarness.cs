using BoostedGrains.Boosted;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BoostedGrains.Tests.Tokens;

/// <summary>The Boosted clients as <c>AddBoostedTokens</c> registers them, pointed at a test server with fast retries.</summary>
public sealed class ClientHarness : IAsyncDisposable
{
    public const string ClientSecret = "s3cret-value-never-shown";

    private readonly ServiceProvider _services;

    public ClientHarness(Uri baseUrl, IReadOnlyDictionary<string, string?>? overrides = null, IManagementTokenSource? managementTokens = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Boosted:BaseUrl"] = baseUrl.ToString(),
            ["Boosted:ClientId"] = "partner-client",
            ["Boosted:ClientSecret"] = ClientSecret,
            ["Boosted:RetryBaseDelay"] = "00:00:00.010",
            ["Boosted:RequestTimeout"] = "00:00:05",
            ["Boosted:TotalRequestTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        if (managementTokens is not null)
            services.AddSingleton(managementTokens);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddBoostedTokens();
        _services = services.BuildServiceProvider(validateScopes: true);
    }

    public BoostedTokenClient Tokens => _services.GetRequiredService<BoostedTokenClient>();

    public BoostedAccountClient Accounts => _services.GetRequiredService<BoostedAccountClient>();

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
