using BoostedGrains.Testing;
using BoostedGrains.Integration.Tests.Infrastructure;
using BoostedGrains.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace BoostedGrains.Integration.Tests.Client;

/// <summary>
/// A silo and an app server (an Orleans client host with the token handler) against an emulator on a fake clock. Moving
/// that clock past the token lifetime makes Boosted refuse tokens the cluster still holds as valid: real 401s.
/// </summary>
public sealed class ExpiringBoostedFixture : IAsyncLifetime
{
    // Short, because the clock only moves forward and assertions signed on the real clock must stay within Boosted's
    // 300 s + 60 s window of it; long enough that the cluster's own refresh-ahead (at 70% or more) never fires in a test.
    public const int TokenLifetimeSeconds = 60;
    private const string ClientId = "handler-tests";
    private const string ClientSecret = "handler-tests-secret";

    public FakeTimeProvider BoostedClock { get; } = new(DateTimeOffset.UtcNow);

    public FixedUserAccessor User { get; } = new();

    public ArrivalGate Gate { get; } = new();

    public SiloHarness Silo { get; private set; } = null!;

    public IHost AppServer { get; private set; } = null!;

    public BoostedEmulatorServer Emulator { get; private set; } = null!;

    /// <summary>A loopback address other than the emulator's, for a server that is not Boosted.</summary>
    public const string OtherHost = "127.0.0.2";

    /// <summary>A client whose token handler also allows <see cref="OtherHost"/>.</summary>
    public const string OtherHostAllowed = "other-host-allowed";

    public HttpClient Boosted(string name = "boosted") => AppServer.Services.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        var options = new EmulatorOptions
        {
            TokenLifetimeSeconds = TokenLifetimeSeconds,
            Partners = [new EmulatorPartner { ClientId = ClientId, ClientSecret = ClientSecret, JwksUri = new Uri($"http://127.0.0.1:{port}/.well-known/jwks.json") }],
        };
        Emulator = await BoostedEmulatorServer.StartAsync(options, time: BoostedClock);
        Silo = await SiloHarness.StartAsync(new Dictionary<string, string>
        {
            ["Emulator:Enabled"] = "false",
            ["Boosted:BaseUrl"] = Emulator.BaseUrl.ToString(),
            ["Boosted:ClientId"] = ClientId,
            ["Boosted:ClientSecret"] = ClientSecret,
            // This fixture's emulator starts and ends with the silo, so it never caches a JWKS the ring has forgotten.
            ["KeyRing:AllowEphemeral"] = "true",
            ["Gateway:ApiKeys:0"] = "handler-gateway-key-0123456789abcdef",
        }, Emulator, port);

        var builder = Host.CreateApplicationBuilder(Silo.ClientArgs);
        // As a real app server names Boosted: the token handler's default hosts come from it.
        builder.Configuration["Boosted:BaseUrl"] = Emulator.BaseUrl.ToString();
        builder.AddBoostedTokens();
        builder.Services.AddHttpClient("boosted", http => http.BaseAddress = Emulator.BaseUrl).AddBoostedUserToken(_ => User)
            .AddHttpMessageHandler(() => new ArrivalGate.Handler(Gate));
        builder.Services.AddHttpClient("boosted-post-retry", http => http.BaseAddress = Emulator.BaseUrl)
            .AddBoostedUserToken(_ => User, options => options.RetryMethods.Add(HttpMethod.Post));
        builder.Services.AddHttpClient(OtherHostAllowed).AddBoostedUserToken(_ => User, options => options.AllowedHosts.Add(OtherHost));
        AppServer = builder.Build();
        await AppServer.StartAsync();
    }

    /// <summary>Moves Boosted's clock past the lifetime of every token issued so far.</summary>
    public void ExpireIssuedTokens() => BoostedClock.Advance(TimeSpan.FromSeconds(TokenLifetimeSeconds + 1));

    public async Task DisposeAsync()
    {
        await AppServer.StopAsync();
        AppServer.Dispose();
        await Silo.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
